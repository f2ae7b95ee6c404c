using System.Security.Cryptography;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// On a first start with no administrator, creates one with a one-time password. The password goes
/// to a file only the portal's user can read (<see cref="PasswordFileName"/> in the data directory),
/// not to the console, whose output ends up in service logs; the console says where it is. The
/// admin must change the password and set up two-factor at first sign-in, and the file is deleted
/// as soon as the password is changed.
/// </summary>
public static class BootstrapAdmin
{
    public const string DefaultEmail = "admin@localhost";

    public const string PasswordFileName = "bootstrap-admin.txt";

    public static async Task EnsureAsync(IServiceProvider services, TextWriter console, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        // Nodes starting together on a new server database: one creates the administrator, the others then find it.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await WriterLocks.AcquireAsync(db.Database, WriterLocks.Administrators, cancellationToken);
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }
        var email = EmailOf(scope.ServiceProvider);
        var configuration = scope.ServiceProvider.GetRequiredService<IConfiguration>();
        var password = OneTimePassword();
        var admin = new EnrollmentUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = configuration["Enrollment:Bootstrap:AdminName"] ?? "Administrator",
            // With an employee ID from the start, the first administrator can request a certificate at once.
            EmployeeId = configuration["Enrollment:Bootstrap:AdminEmployeeId"],
            MustChangePassword = true,
            CreatedAt = DateTime.UtcNow,
        };
        if (Ca.Issuance.CertificateSubject.CheckName(admin.DisplayName) is { } nameRefusal)
        {
            throw new InvalidOperationException("Enrollment:Bootstrap:AdminName cannot go into a certificate: " + nameRefusal.Message);
        }
        if (admin.EmployeeId is { } id && !Ca.Issuance.CertificateSubject.IsPrintable(id))
        {
            throw new InvalidOperationException("Enrollment:Bootstrap:AdminEmployeeId may hold only letters, digits, spaces and '()+,-./:=?.");
        }
        var result = await users.CreateAsync(admin, password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Creating the bootstrap administrator failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        await users.AddToRolesAsync(admin, [Roles.Requester, Roles.Admin]);
        await scope.ServiceProvider.GetRequiredService<AuditTrail>().AppendAsync(db,
            new AuditEntry("system", "user.bootstrap-admin-created", admin.Id, $"email={email}"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var file = PasswordFile(scope.ServiceProvider);
        DataFiles.WriteWhole(file, System.Text.Encoding.UTF8.GetBytes($"Email:    {email}\nPassword: {password}\n"), ownerOnly: true);
        await console.WriteLineAsync($"""

            ======================================================================
             Enrollment: bootstrap administrator created
               Email:    {email}
               Password: in {file} (readable by this user only)
             Sign in, then change this password and set up two-factor sign-in;
             the file is deleted when the password is changed.
            ======================================================================

            """);
    }

    /// <summary>Deletes the one-time password's file once the bootstrap administrator has chosen a password.</summary>
    public static void PasswordChanged(IServiceProvider services, EnrollmentUser user)
    {
        var file = PasswordFile(services);
        if (string.Equals(user.Email, EmailOf(services), StringComparison.OrdinalIgnoreCase) && File.Exists(file))
        {
            File.Delete(file);
        }
    }

    private static string EmailOf(IServiceProvider services) =>
        services.GetRequiredService<IConfiguration>()["Enrollment:Bootstrap:AdminEmail"] ?? DefaultEmail;

    private static string PasswordFile(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EnrollmentOptions>>().Value.PathOf(PasswordFileName);

    /// <summary>20 characters from an alphabet without look-alikes: about 100 bits.</summary>
    private static string OneTimePassword() =>
        RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789", 20);
}
