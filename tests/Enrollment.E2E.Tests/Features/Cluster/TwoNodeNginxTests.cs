using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Cluster;

/// <summary>Chromium, then the shipped nginx template with an upstream of two portal nodes on one PostgreSQL database.</summary>
public sealed class TwoNodeNginxTests(TwoNodeNginxFixture fixture) : IClassFixture<TwoNodeNginxFixture>
{
    /// <summary>
    /// The approver's circuit lands on one node (whichever the affinity cookie hashes to); a request
    /// submitted on the other node appears in the open queue without a reload (LISTEN/NOTIFY).
    /// </summary>
    [Fact]
    public async Task ApproverWithTheQueueOpenOnOneNode_SeesARequestSubmittedOnTheOther_WithoutAReload()
    {
        var page = await fixture.NewPrivilegedPageAsync("cluster-approver@example.com", Roles.Approver);
        var nodes = new[] { fixture.Portal, fixture.NodeB };
        var before = nodes.Select(TwoNodeNginxFixture.CircuitsOpenedOn).ToArray();

        await page.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        var serving = nodes.Where((node, i) => TwoNodeNginxFixture.CircuitsOpenedOn(node) > before[i]).ToList();
        Assert.Single(serving);
        var other = nodes.Single(node => node != serving[0]);
        var (requester, user) = await RequestFlow.RequesterAsync(other);
        await RequestFlow.SubmitAsync(other, requester);

        await Assertions.Expect(page.Locator("td", new() { HasText = user.Email! })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("A new request arrived")).ToBeVisibleAsync();
    }

    /// <summary>Every page of a browser, and its circuit's reconnections, reach the node its affinity cookie hashes to.</summary>
    [Fact]
    public async Task Browser_GetsTheAffinityCookie_AndItsCircuitsStayOnOneNode()
    {
        var page = await fixture.NewPageAsync();
        var nodes = new[] { fixture.Portal, fixture.NodeB };

        await BrowserPortalFixture.SignInWithPasswordAsync(page, (await fixture.AddUserAsync("cluster-affinity@example.com")).Email!);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "enrollment_affinity");
        var before = nodes.Select(TwoNodeNginxFixture.CircuitsOpenedOn).ToArray();
        for (var visit = 0; visit < 4; visit++)
        {
            await page.GotoAsync("requests");
            await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        }

        Assert.True(cookie is { HttpOnly: true, Secure: true }, "the affinity cookie is HttpOnly and Secure");
        Assert.Matches("^[0-9a-f]{24}$", cookie.Value);
        var opened = nodes.Select((node, i) => TwoNodeNginxFixture.CircuitsOpenedOn(node) - before[i]).ToArray();
        // Four visits, and the home page's circuit after signing in, whose start may come after the count above.
        Assert.True(opened.Contains(0) && opened.Max() >= 4, "circuits opened per node: " + string.Join(", ", opened));
    }
}
