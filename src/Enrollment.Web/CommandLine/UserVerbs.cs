using System.CommandLine;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.CommandLine;

/// <summary><c>users add</c>, <c>users update</c>, <c>users allow-sso-link</c>.</summary>
internal static class UserVerbs
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "Sign-in email address", Required = true };
        var name = new Option<string>("--name") { Description = "Display name (the certificate CN)", Required = true };
        var employeeId = new Option<string?>("--employee-id") { Description = "Employee id (the certificate serialNumber)" };
        var upn = new Option<string?>("--upn") { Description = "User principal name for the SAN (default: the email)" };
        var roles = new Option<string[]>("--role") { Description = "Approver or Admin; repeat for both", AllowMultipleArgumentsPerToken = false };
        roles.AcceptOnlyFromAmong(Roles.Approver, Roles.Admin);
        var passwordVariable = new Option<string?>("--password-env")
        {
            Description = "Environment variable holding an initial password; without it the user is invited by mail to choose one",
        };
        var add = new Command("add", "Add a user.") { email, name, employeeId, upn, roles, passwordVariable };
        add.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var password = parsed.GetValue(passwordVariable) is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
            var user = new EnrollmentUser
            {
                UserName = parsed.GetRequiredValue(email).Trim(),
                Email = parsed.GetRequiredValue(email).Trim(),
                // Confirmed when an initial password is given by the operator; otherwise by the invitation link.
                EmailConfirmed = password is not null,
                // A password the operator chose is known to the operator: the user replaces it at first sign-in.
                MustChangePassword = password is not null,
                DisplayName = parsed.GetRequiredValue(name).Trim(),
                EmployeeId = parsed.GetValue(employeeId)?.Trim(),
                Upn = parsed.GetValue(upn)?.Trim(),
                CreatedAt = DateTime.UtcNow,
            };
            if (SubjectProblem(user) is { } problem)
            {
                return await AdminCommandLine.FailAsync(error, problem);
            }
            var created = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return await AdminCommandLine.FailAsync(error, string.Join(" ", created.Errors.Select(e => e.Description)));
            }
            string[] granted = [Roles.Requester, .. parsed.GetValue(roles) ?? []];
            await users.AddToRolesAsync(user, granted.Distinct());
            await scope.ServiceProvider.GetRequiredService<AuditTrail>().AppendAsync(
                scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>(),
                new AuditEntry(AdminCommandLine.Actor, "user.created", user.Id, $"email={user.Email} roles={string.Join(',', granted.Distinct())}"));
            await output.WriteLineAsync($"Added {user.Email} ({string.Join(", ", granted.Distinct())}).");
            if (password is null)
            {
                await scope.ServiceProvider.GetRequiredService<Features.Account.Invitations>().SendAsync(user);
                await output.WriteLineAsync($"Sent an invitation to choose a password to {user.Email}.");
            }
            return 0;
        }));
        return new Command("users", "Manage users.") { add, Update(), AllowSsoLink() };
    }

    /// <summary>What a certificate subject cannot carry of the user's name and employee ID, or null.</summary>
    private static string? SubjectProblem(EnrollmentUser user) =>
        Ca.Issuance.CertificateSubject.CheckName(user.DisplayName) is { } nameRefusal ? nameRefusal.Message
        : user.EmployeeId is { } id && !Ca.Issuance.CertificateSubject.IsPrintable(id) ? "The employee id may hold only letters, digits, spaces and '()+,-./:=?."
        : null;

    /// <summary>
    /// Changes what goes into an account's certificates: display name, employee ID, UPN. The way
    /// through for a first administrator, who has no employee ID and so no certificate for the users page.
    /// </summary>
    private static Command Update()
    {
        var email = new Option<string>("--email") { Description = "The account's e-mail address", Required = true };
        var name = new Option<string?>("--name") { Description = "New display name (the certificate CN)" };
        var employeeId = new Option<string?>("--employee-id") { Description = "New employee id (the certificate serialNumber)" };
        var upn = new Option<string?>("--upn") { Description = "New user principal name for the SAN" };
        var command = new Command("update", "Change a user's display name, employee id or UPN.") { email, name, employeeId, upn };
        command.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            if (await users.FindByEmailAsync(parsed.GetRequiredValue(email).Trim()) is not { } user)
            {
                return await AdminCommandLine.FailAsync(error, $"No account has the e-mail {parsed.GetRequiredValue(email).Trim()}.");
            }
            var before = $"name={user.DisplayName} employeeId={user.EmployeeId} upn={user.Upn}";
            user.DisplayName = parsed.GetValue(name)?.Trim() ?? user.DisplayName;
            user.EmployeeId = parsed.GetValue(employeeId)?.Trim() ?? user.EmployeeId;
            user.Upn = parsed.GetValue(upn)?.Trim() ?? user.Upn;
            if (SubjectProblem(user) is { } problem)
            {
                return await AdminCommandLine.FailAsync(error, problem);
            }
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded)
            {
                return await AdminCommandLine.FailAsync(error, string.Join(" ", updated.Errors.Select(e => e.Description)));
            }
            var after = $"name={user.DisplayName} employeeId={user.EmployeeId} upn={user.Upn}";
            await scope.ServiceProvider.GetRequiredService<AuditTrail>().AppendAsync(
                scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>(),
                new AuditEntry(AdminCommandLine.Actor, "user.updated", user.Id, $"from=({before}) to=({after})"));
            await output.WriteLineAsync($"Updated {user.Email}: {after}.");
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// An administrator's way to link an existing account to its owner's identity at a provider: the
    /// next single sign-on with the account's e-mail, within the hours given, links it (once).
    /// </summary>
    private static Command AllowSsoLink()
    {
        var email = new Option<string>("--email") { Description = "The existing account's e-mail address", Required = true };
        var hours = new Option<int>("--hours") { Description = "How long the allowance lasts (1 to 168)", DefaultValueFactory = _ => 24 };
        var command = new Command("allow-sso-link", "Let the next single sign-on with this account's e-mail link it to the provider's identity.") { email, hours };
        command.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var valid = parsed.GetValue(hours);
            if (valid is < 1 or > 168)
            {
                return await AdminCommandLine.FailAsync(error, "--hours must be between 1 and 168.");
            }
            if (await users.FindByEmailAsync(parsed.GetRequiredValue(email).Trim()) is not { } user)
            {
                return await AdminCommandLine.FailAsync(error, $"No account has the e-mail {parsed.GetRequiredValue(email).Trim()}.");
            }
            var until = DateTimeOffset.UtcNow.AddHours(valid);
            await users.SetAuthenticationTokenAsync(user, Features.Account.Sso.SsoOptions.SectionName, Features.Account.Sso.SsoSignIn.LinkAllowanceToken,
                until.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            await scope.ServiceProvider.GetRequiredService<AuditTrail>().AppendAsync(
                scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>(),
                new AuditEntry(AdminCommandLine.Actor, "user.sso-link-allowed", user.Id, $"email={user.Email} until={until:O}"));
            await output.WriteLineAsync($"The next single sign-on of {user.Email} before {until:yyyy-MM-dd HH:mm} UTC links the account to that identity.");
            return 0;
        }));
        return command;
    }
}
