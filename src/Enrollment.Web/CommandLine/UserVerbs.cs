using System.CommandLine;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.CommandLine;

/// <summary><c>users add</c>.</summary>
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
            if (Ca.Issuance.CertificateSubject.CheckName(user.DisplayName) is { } nameRefusal)
            {
                return await AdminCommandLine.FailAsync(error, nameRefusal.Message);
            }
            if (user.EmployeeId is { } id && !Ca.Issuance.CertificateSubject.IsPrintable(id))
            {
                return await AdminCommandLine.FailAsync(error, "The employee id may hold only letters, digits, spaces and '()+,-./:=?.");
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
        return new Command("users", "Manage users.") { add };
    }
}
