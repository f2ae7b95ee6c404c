using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Shared;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Authorization;

/// <summary>
/// Every page as anonymous, requester, approver and admin: where each one lands. The server
/// decides; the navigation only mirrors it.
/// </summary>
public sealed class PageAuthorizationTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private static readonly string[] Pages =
    [
        "", "account/manage", "account/manage/password", "account/manage/two-factor", "admin/users", "requests", "approvals",
        "admin/certificates", "admin/certificates/0A0B0C0D", "admin/certificates/export.csv", "admin/certificates/0A0B0C0D/pem", "admin/audit", "admin/ca",
    ];

    [Theory]
    [InlineData("anonymous", "/ | login | login | login | login | login | login | login | login | login | login | login | login")]
    [InlineData("requester", "/ | /account/manage | /account/manage/password | /account/manage/two-factor | denied | /requests | denied | denied | denied | denied | denied | denied | denied")]
    // This approver presents no certificate: the queue sends them to the certificate check.
    [InlineData("approver", "/ | /account/manage | /account/manage/password | /account/manage/two-factor | denied | /requests | /account/certificate | denied | denied | denied | denied | denied | denied")]
    [InlineData("admin", "/ | /account/manage | /account/manage/password | /account/manage/two-factor | /admin/users | /requests | denied | /admin/certificates | /admin/certificates/0A0B0C0D | /admin/certificates/export.csv | /admin/certificates/0A0B0C0D/pem | /admin/audit | /admin/ca")]
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
            var url = await LandingAsync(page, path);
            landed.Add(url.AbsolutePath switch
            {
                "/account/login" => "login",
                "/account/access-denied" => "denied",
                var other => other,
            });
        }

        Assert.Equal(expected, string.Join(" | ", landed));
    }

    /// <summary>
    /// Where a visit ends. A download would abort a navigation, so the download endpoints are asked
    /// through the page's own request context (same cookies and certificate) without following redirects.
    /// </summary>
    private static async Task<Uri> LandingAsync(IPage page, string path)
    {
        if (!path.EndsWith(".csv", StringComparison.Ordinal) && !path.EndsWith("/pem", StringComparison.Ordinal))
        {
            await page.GotoAsync(path);
            return new Uri(page.Url);
        }
        var response = await page.APIRequest.GetAsync(path, new() { MaxRedirects = 0 });
        var target = new Uri(response.Url);
        return response.Headers.TryGetValue("location", out var location) ? new Uri(target, location) : target;
    }
}
