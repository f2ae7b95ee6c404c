using Bunit;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Home;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Components;

/// <summary>
/// On a new portal nobody may approve the first administrator's request: the home page says who can
/// (the operator, with <c>requests approve</c>), and that command approves it.
/// </summary>
public sealed class FirstAdministratorHomeTests
{
    [Fact]
    public async Task TheOnlyAdministratorsRequest_NamesTheOperatorsCommand_WhichApprovesIt()
    {
        // A portal of its own, where no approver exists; on SQLite, as the command works on the data directory.
        await using var portal = await RunningPortal.StartAsync(PortalDatabases.SqliteFile);
        EnrollmentUser admin;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            admin = (await users.GetUsersInRoleAsync(Roles.Admin)).Single();
            admin.EmployeeId = "A0001";
            await users.UpdateAsync(admin);
        }
        var principal = await RequestFlow.PrincipalOfAsync(portal, admin);
        var id = await RequestFlow.SubmitAsync(portal, principal);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(portal, principal);

        var home = components.Render<Home>();

        home.WaitForAssertion(() => Assert.Contains("No other approver can decide it yet", home.Find("[data-testid=agenda-operator-approval]").TextContent, StringComparison.Ordinal));
        var command = home.Find("[data-testid=agenda-employee] code.command").TextContent;
        Assert.Equal($"requests approve --email {admin.Email}", command);

        var (exit, output, error) = await AdminVerbs.RunAsync([.. command.Split(' '), "--data-dir", portal.DataDirectory]);

        Assert.True(exit == 0, error);
        Assert.Contains("can be picked up", output, StringComparison.Ordinal);
        var stored = await RequestFlow.StoredAsync(portal, id);
        Assert.Equal(RequestState.Approved, stored.State);
        Assert.StartsWith("cli:", stored.DeciderName, StringComparison.Ordinal);
    }
}
