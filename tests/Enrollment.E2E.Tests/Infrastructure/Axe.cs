using Enrollment.Testing;
using System.Text.Json;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>Runs axe-core (from the repository's node_modules) in the page and returns serious or critical violations.</summary>
public static class Axe
{
    private static readonly string Script = Path.Combine(Repository.Root, "node_modules", "axe-core", "axe.min.js");

    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"{Script} is missing; ./test.sh runs npm ci.");
        }
        // Colours are judged at rest: a button caught in its CSS transition (enabled a moment ago) shows a
        // faded background that no reader sees for more than a fraction of a second.
        await page.AddStyleTagAsync(new PageAddStyleTagOptions { Content = "*, *::before, *::after { transition: none !important; animation: none !important; }" });
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Script });
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ') + ' [' + n.failureSummary + ' / ' + n.html.slice(0, 160) + ']').join(', '));
            }
            """);
        return json.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>
    /// The page fits its viewport's width (no sideways scrolling; the message names what sticks out)
    /// and axe finds nothing serious on it.
    /// </summary>
    public static async Task AssertFitsAndCleanAsync(IPage page, string path, int width)
    {
        var wide = await page.EvaluateAsync<string>($"() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > {width + 1}).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')");
        Assert.True(width == await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), $"/{path} is wider than {width} px: {wide}");
        var violations = await SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"/{path} at {width} px: {string.Join("; ", violations)}");
    }
}
