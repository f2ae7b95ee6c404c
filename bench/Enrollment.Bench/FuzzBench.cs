using Enrollment.Ca.Authority;
using Enrollment.Testing;
using Enrollment.Testing.Fuzzing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The full fuzz campaign: every parser that takes outside input, <c>inputs</c> seeded mutants
/// each, the OCSP endpoints over HTTPS against a portal in this process. Prints one "key=value"
/// line per figure for bench/fuzz.sh and docs/reliability.md, and the first crashes if any.
/// </summary>
internal static class FuzzBench
{
    public static async Task<int> RunAsync(int inputs, int seed, string directory)
    {
        await using var app = await PageBench.StartPortalAsync(directory,
            "--Enrollment:RateLimits:PublicPerSecond=1000000", "--Enrollment:RateLimits:PublicBurst=1000000");
        using var files = new TemporaryDirectory();
        using var authority = new TestAuthority();
        using var client = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        }) { BaseAddress = new Uri(app.Urls.Single()) };
        var issuing = files.Write("portal-issuing.pem", app.Services.GetRequiredService<CertificateAuthority>().Issuing.ExportCertificatePem());
        var failed = false;
        var disagreements = new List<string> { "| Parser | Kind (ours / BouncyCastle) | Inputs | Explanation |", "|---|---|---|---|" };
        foreach (var target in FuzzTargets.Parsers(files, authority).Concat(FuzzTargets.OcspEndpoints(client, files, issuing)))
        {
            var report = await FuzzCampaign.RunAsync(target, inputs, seed);
            var key = target.Name.Replace('-', '_');
            PageBench.Report($"{key}_inputs", report.Inputs);
            PageBench.Report($"{key}_accepted", report.Accepted);
            PageBench.Report($"{key}_refused", report.Refused);
            PageBench.Report($"{key}_crashes", report.Crashes.Count);
            PageBench.Report($"{key}_unexplained", report.Unexplained.Count);
            PageBench.Report($"{key}_seconds", report.Elapsed.TotalSeconds);
            if (target.Peer is not null)
            {
                PageBench.Report($"{key}_disagreements", report.Disagreements.Values.Sum(d => d.Count));
            }
            disagreements.AddRange(report.Disagreements.Select(d => $"| {target.Name} | {d.Key.Replace("|", "\\|", StringComparison.Ordinal)} | {d.Value.Count} | {KnownDisagreements.Explain(d.Key) ?? "not explained: " + d.Value.FirstInput} |"));
            foreach (var crash in report.Crashes.Concat(report.Unexplained).Take(5))
            {
                await Console.Error.WriteLineAsync($"{target.Name}: {crash}");
            }
            failed |= report.Crashes.Count + report.Unexplained.Count > 0;
        }
        await File.WriteAllLinesAsync(Path.Combine(directory, "disagreements.md"), disagreements);
        await app.StopAsync();
        return failed ? 1 : 0;
    }
}
