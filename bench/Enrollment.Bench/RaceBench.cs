using Enrollment.Testing.Races;
using Microsoft.AspNetCore.Builder;

/// <summary>The race campaign at full size against a portal in this process (docs/reliability.md).</summary>
internal static class RaceBench
{
    public static async Task<int> RunAsync(int rounds, string directory)
    {
        await using var app = await PageBench.StartPortalAsync(directory);
        var failed = false;
        foreach (var report in new[] { await RaceCampaign.DecisionsAsync(app.Services, rounds), await RaceCampaign.PickupsAsync(app.Services, rounds) })
        {
            PageBench.Report($"{report.Name}_rounds", report.Rounds);
            PageBench.Report($"{report.Name}_violations", report.Violations.Count);
            PageBench.Report($"{report.Name}_seconds", report.Elapsed.TotalSeconds);
            foreach (var violation in report.Violations.Take(5))
            {
                await Console.Error.WriteLineAsync($"{report.Name}: {violation}");
            }
            failed |= report.Violations.Count > 0;
        }
        await app.StopAsync();
        return failed ? 1 : 0;
    }
}
