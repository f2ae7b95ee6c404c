using System.Security.Cryptography;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Infrastructure;

/// <summary>
/// On a first start with no administrator, creates one with a one-time password and prints the
/// credentials once on the console (never in the log). The admin must change the password and set
/// up two-factor at first sign-in.
/// </summary>
public static class BootstrapAdmin
{
    public const string DefaultEmail = "admin@localhost";

    public static async Task EnsureAsync(IServiceProvider services, TextWriter console, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }
        var email = scope.ServiceProvider.GetRequiredService<IConfiguration>()["Enrollment:Bootstrap:AdminEmail"] ?? DefaultEmail;
        var password = OneTimePassword();
        var admin = new EnrollmentUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            MustChangePassword = true,
            CreatedAt = DateTime.UtcNow,
        };
        var result = await users.CreateAsync(admin, password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Creating the bootstrap administrator failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
        await users.AddToRolesAsync(admin, [Roles.Requester, Roles.Admin]);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        await scope.ServiceProvider.GetRequiredService<AuditTrail>().AppendAsync(db,
            new AuditEntry("system", "user.bootstrap-admin-created", admin.Id, $"email={email}"), cancellationToken);

        await console.WriteLineAsync($"""

            ======================================================================
             Enrollment: bootstrap administrator created (shown this one time only)
               Email:    {email}
               Password: {password}
             Sign in, then change this password and set up two-factor sign-in.
            ======================================================================

            """);
    }

    /// <summary>20 characters from an alphabet without look-alikes: about 100 bits.</summary>
    private static string OneTimePassword() =>
        RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789", 20);
}
