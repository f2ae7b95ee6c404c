using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Infrastructure;

namespace Enrollment.E2E.Tests.Authorization;

/// <summary>
/// Every page as anonymous, requester, approver and admin: where each one lands. The server
/// decides; the navigation only mirrors it.
/// </summary>
public sealed class PageAuthorizationTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private static readonly string[] Pages = ["", "account/manage", "account/manage/password", "account/manage/two-factor", "admin/users", "requests", "approvals"];

    [Theory]
    [InlineData("anonymous", "/ | login | login | login | login | login | login")]
    [InlineData("requester", "/ | /account/manage | /account/manage/password | /account/manage/two-factor | denied | /requests | denied")]
    // This approver presents no certificate: the queue sends them to the certificate check.
    [InlineData("approver", "/ | /account/manage | /account/manage/password | /account/manage/two-factor | denied | /requests | /account/certificate")]
    [InlineData("admin", "/ | /account/manage | /account/manage/password | /account/manage/two-factor | /admin/users | /requests | denied")]
    public async Task EveryPage_ForEachRole_LandsWhereTheRoleAllows(string role, string expected)
    {
        var email = $"matrix-{role}@example.com";
        var page = role == "admin" ? await fixture.NewAdminPageAsync(email) : await fixture.NewPageAsync();
        switch (role)
        {
            case "requester":
                await fixture.AddUserAsync(email);
                await BrowserPortalFixture.SignInWithPasswordAsync(page, email);
                break;
            case "approver":
                await fixture.SignInWithTwoFactorAsync(page, email, "en-US", Roles.Approver);
                break;
        }

        var landed = new List<string>();
        foreach (var path in Pages)
        {
            await page.GotoAsync(path);
            var url = new Uri(page.Url);
            landed.Add(url.AbsolutePath switch
            {
                "/account/login" => "login",
                "/account/access-denied" => "denied",
                var other => other,
            });
        }

        Assert.Equal(expected, string.Join(" | ", landed));
    }
}
