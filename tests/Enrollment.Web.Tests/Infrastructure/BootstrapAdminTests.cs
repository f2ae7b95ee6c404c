using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Infrastructure;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Infrastructure;

public sealed class BootstrapAdminTests
{
    [Fact]
    public async Task FirstStart_CreatesOneAdminWhoseOneTimePasswordIsInAFileOnlyTheOwnerReads()
    {
        await using var portal = await RunningPortal.StartAsync();
        var file = Path.Combine(portal.DataDirectory, BootstrapAdmin.PasswordFileName);
        var password = PasswordIn(File.ReadAllText(file));

        var second = new StringWriter();
        await BootstrapAdmin.EnsureAsync(portal.Services, second);

        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(Roles.Admin));
        Assert.Equal(BootstrapAdmin.DefaultEmail, admin.Email);
        Assert.True(admin.MustChangePassword);
        Assert.Equal(20, password.Length);
        Assert.True(await users.CheckPasswordAsync(admin, password));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(string.Empty, second.ToString());
    }

    /// <summary>With a name and an employee ID configured, the first administrator can request a certificate at once.</summary>
    [Fact]
    public async Task FirstStart_WithANameAndEmployeeIdConfigured_GivesThemToTheAdmin_AndRefusesOnesACertificateCannotCarry()
    {
        await using var portal = await RunningPortal.StartAsync("--Enrollment:Bootstrap:AdminName=Aiko Admin", "--Enrollment:Bootstrap:AdminEmployeeId=A-0001");
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => RunningPortal.StartAsync("--Enrollment:Bootstrap:AdminName=a.admin"));

        await using var scope = portal.Services.CreateAsyncScope();
        var admin = Assert.Single(await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().GetUsersInRoleAsync(Roles.Admin));
        Assert.Equal(("Aiko Admin", "A-0001"), (admin.DisplayName, admin.EmployeeId));
        Assert.Contains("Enrollment:Bootstrap:AdminName cannot go into a certificate", refused.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The review found the password in the console output, which service managers keep in their logs.</summary>
    [Fact]
    public async Task FirstStart_PrintsWhereThePasswordIs_NeverThePasswordItself()
    {
        await using var portal = await RunningPortal.StartAsync();
        var password = PasswordIn(File.ReadAllText(Path.Combine(portal.DataDirectory, BootstrapAdmin.PasswordFileName)));
        var printed = portal.Console.ToString()!;

        Assert.DoesNotContain(password, printed, StringComparison.Ordinal);
        Assert.Contains(BootstrapAdmin.PasswordFileName, printed, StringComparison.Ordinal);
        Assert.Contains(BootstrapAdmin.DefaultEmail, printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstStart_KeepsThePasswordOnlyInItsFile_AndNoKeyInClear()
    {
        await using var portal = await RunningPortal.StartAsync();
        var passwordFile = Path.Combine(portal.DataDirectory, BootstrapAdmin.PasswordFileName);
        var password = PasswordIn(File.ReadAllText(passwordFile));
        await portal.App.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        foreach (var file in Directory.EnumerateFiles(portal.DataDirectory, "*", SearchOption.AllDirectories).Where(f => f != passwordFile))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.DoesNotContain(password, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY-----", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        }
    }

    private static string PasswordIn(string text) => System.Text.RegularExpressions.Regex.Match(text, @"Password: (\S+)").Groups[1].Value;
}
