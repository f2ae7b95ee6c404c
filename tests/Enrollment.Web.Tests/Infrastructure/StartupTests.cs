using Enrollment.Testing;
using Enrollment.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Tests.Infrastructure;

public sealed class StartupTests
{
    [Fact]
    public async Task Initialize_InvalidSetting_StopsBeforeCreatingAnything()
    {
        using var directory = new TemporaryDirectory();
        var data = directory.File("data");
        await using var app = EnrollmentHost.Build([$"--Enrollment:DataDirectory={data}", "--Enrollment:Ca:IssuingKeyBits=521"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartupInitializer.InitializeAsync(app.Services));

        Assert.Contains("IssuingKeyBits", string.Join(" ", error.Failures), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "enrollment.db")));
        Assert.False(Directory.Exists(Path.Combine(data, "ca")));
    }

    /// <summary>LISTEN/NOTIFY is PostgreSQL's: asked of another provider, the start stops saying what to use instead.</summary>
    [Fact]
    public void Build_WithListenNotificationsOnSqlite_StopsNamingTheSettingAndTheAlternative()
    {
        using var directory = new TemporaryDirectory();

        var error = Assert.Throws<InvalidOperationException>(() =>
            EnrollmentHost.Build([$"--Enrollment:DataDirectory={directory.File("data")}", "--Enrollment:Database:Notifications=Listen"]));

        Assert.Contains("Enrollment:Database:Notifications=Listen needs Provider=PostgreSql; use Poll", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The review found the data directory and the database readable by every local user.</summary>
    [Fact]
    public async Task FirstStart_MakesTheDataDirectoryAndDatabaseOwnerOnly()
    {
        await using var portal = await RunningPortal.StartAsync(PortalDatabases.SqliteFile);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(portal.DataDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(portal.DataDirectory, "keys")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(portal.DataDirectory, "enrollment.db")));
    }
}
