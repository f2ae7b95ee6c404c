using System.Text.Json;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Requests;

/// <summary>
/// The approver queue's hand-over from the prerendered rows to the interactive grid, watched in the
/// browser at every DOM change: the rows stay on screen throughout, and the page says "ready" only
/// once the grid's own rows (the ones that take a click) are there. Its own portal, so the queue
/// holds exactly these requests.
/// </summary>
public sealed class QueueHandoverTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    /// <summary>After every DOM change: the rows a person can see, how many of them the grid renders, and the page's state.</summary>
    private const string Recorder = """
        (() => {
          window.__queueSamples = [];
          const visible = (e) => e.offsetParent !== null;
          const sample = () => {
            const state = document.querySelector('[data-grid-state]');
            if (!state) return;
            window.__queueSamples.push({
              state: state.getAttribute('data-grid-state'),
              visibleRows: [...document.querySelectorAll('.queue-table tbody tr')].filter(visible).length,
              gridRows: [...document.querySelectorAll('tr.queue-row')].filter(visible).length,
            });
          };
          // From the parsed page on: the circuit starts after it, and the parser adds rows one by one.
          document.addEventListener('DOMContentLoaded', () => {
            sample();
            new MutationObserver(sample).observe(document, { subtree: true, childList: true, attributes: true });
          });
        })();
        """;

    private sealed record Sample(string State, int VisibleRows, int GridRows);

    [Fact]
    public async Task FromPrerenderToGrid_TheRowsStayOnScreen_AndReadyMeansTheGridsRowsAreThere()
    {
        for (var i = 0; i < 25; i++)
        {
            var user = await fixture.AddUserAsync($"handover-{i:D2}@example.com");
            await RequestFlow.SubmitAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        }
        var approver = await fixture.NewPrivilegedPageAsync("handover-approver@example.com", Roles.Approver);
        await approver.AddInitScriptAsync(Recorder);

        await approver.GotoAsync("approvals");
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();
        var samples = JsonSerializer.Deserialize<List<Sample>>(
            await approver.EvaluateAsync<JsonElement>("() => window.__queueSamples"), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        var firstShown = samples.FindIndex(s => s.VisibleRows > 0);
        var firstReady = samples.FindIndex(s => s.State == "ready");
        Assert.True(firstShown >= 0 && firstReady >= firstShown, $"samples: {string.Join(", ", samples)}");
        Assert.True(samples[firstShown].VisibleRows == 20 && samples[firstShown].GridRows == 0, $"the prerendered first page: {samples[firstShown]}");
        // Never an empty or half-filled table between the prerendered rows and the grid's.
        var dips = samples.Skip(firstShown).Where(s => s.VisibleRows != 20).ToList();
        Assert.True(dips.Count == 0, $"the rows left the screen during the hand-over: {string.Join(", ", dips)}");
        Assert.Equal(new Sample("ready", 20, 20), samples[firstReady]);
    }
}
