using Enrollment.Data.Entities;
using Enrollment.Web.Infrastructure;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Infrastructure;

public sealed class BootstrapAdminTests
{
    [Fact]
    public async Task FirstStart_CreatesOneAdminWhoseOneTimePasswordIsPrintedOnce()
    {
        await using var portal = await RunningPortal.StartAsync();
        var printed = portal.Console.ToString()!;
        var password = System.Text.RegularExpressions.Regex.Match(printed, @"Password: (\S+)").Groups[1].Value;

        var second = new StringWriter();
        await BootstrapAdmin.EnsureAsync(portal.Services, second);

        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(Roles.Admin));
        Assert.Equal(BootstrapAdmin.DefaultEmail, admin.Email);
        Assert.True(admin.MustChangePassword);
        Assert.Equal(20, password.Length);
        Assert.True(await users.CheckPasswordAsync(admin, password));
        Assert.Equal(string.Empty, second.ToString());
    }

    [Fact]
    public async Task FirstStart_NeverWritesThePasswordToTheDataDirectory()
    {
        await using var portal = await RunningPortal.StartAsync();
        var password = System.Text.RegularExpressions.Regex.Match(portal.Console.ToString()!, @"Password: (\S+)").Groups[1].Value;
        await portal.App.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        foreach (var file in Directory.EnumerateFiles(portal.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.DoesNotContain(password, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY-----", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
        }
    }
}
