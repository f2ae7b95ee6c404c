using System.Diagnostics;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Crash safety with two nodes on one PostgreSQL database (docs/reliability.md): node B runs here
/// and serves throughout; node A is a child process (<see cref="CrashBench.ChildAsync"/>) that
/// issues and revokes in bulk and is killed with SIGKILL at a random moment, RUNS times. After
/// each kill: node B answers /healthz and its CRL, everything node A reported is durable, no serial
/// is used twice. At the end: node B's own recovery (intents older than the grace, every minute)
/// has abandoned every intent node A left, each answered revoked by node B and listed in its CRL.
/// </summary>
internal static class CrashClusterBench
{
    /// <summary>How long the end waits for node B's recovery: the grace, then its next minute tick, and some slack.</summary>
    private static readonly TimeSpan RecoveryBound = EfIssuanceLedger.IssuanceGrace * 2 + TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(int runs, string directory, int seed, string server)
    {
        var random = new Random(seed);
        string[] database = ["--Enrollment:Database:Provider=PostgreSql", $"--Enrollment:Database:ConnectionString={server};Database=crash_{Guid.NewGuid():N}"];
        var nodeADirectory = Path.Combine(directory, "node-a");
        var nodeBDirectory = Path.Combine(directory, "node-b");
        await using var nodeB = EnrollmentHost.Build([$"--Enrollment:DataDirectory={nodeBDirectory}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", .. database]);
        await StartupInitializer.InitializeAsync(nodeB.Services);
        await nodeB.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(nodeB.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        foreach (var shared in new[] { "ca", "tls", "audit" }.Where(d => Directory.Exists(Path.Combine(nodeBDirectory, d))))
        {
            TemporaryDirectory.Copy(Path.Combine(nodeBDirectory, shared), Path.Combine(nodeADirectory, shared));
        }
        var failures = new List<string>();
        var reportedIssued = new List<string>();
        var killedAt = new List<DateTime>();
        for (var run = 0; run < runs; run++)
        {
            var reported = await CrashBench.KillDuringBulkIssuanceAsync([nodeADirectory, .. database], random);
            killedAt.Add(DateTime.UtcNow);
            reportedIssued.AddRange(reported.Where(l => l.StartsWith("issued ", StringComparison.Ordinal)).Select(l => l[7..]));
            failures.AddRange((await CheckNodeBAsync(nodeB.Services, http, reported)).Select(p => $"run {run}: {p}"));
        }
        var intentsAfterKills = await IntentsAsync(nodeB.Services);
        var waited = Stopwatch.StartNew();
        while (await IntentsAsync(nodeB.Services) > 0 && waited.Elapsed < RecoveryBound)
        {
            await Task.Delay(1000);
        }
        failures.AddRange(await CheckRecoveredAsync(nodeB.Services, http));
        PageBench.Report("runs", runs);
        PageBench.Report("issued_reported", reportedIssued.Count);
        PageBench.Report("intents_after_kills", intentsAfterKills);
        PageBench.Report("recovery_seconds_after_last_kill", (int)(DateTime.UtcNow - killedAt[^1]).TotalSeconds);
        PageBench.Report("violations", failures.Count);
        foreach (var failure in failures.Take(10))
        {
            await Console.Error.WriteLineAsync(failure);
        }
        await nodeB.StopAsync();
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>Right after a kill: node B serves, what node A reported is durable, no serial twice.</summary>
    private static async Task<List<string>> CheckNodeBAsync(IServiceProvider nodeB, HttpClient http, List<string> reported)
    {
        var problems = new List<string>();
        if (!(await http.GetAsync("healthz")).IsSuccessStatusCode)
        {
            problems.Add("node B's /healthz did not answer 200");
        }
        if (!(await http.GetAsync("pki/issuing.crl")).IsSuccessStatusCode)
        {
            problems.Add("node B did not serve its CRL");
        }
        await using var scope = nodeB.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.AsNoTracking()
            .Select(c => new { c.SerialNumber, c.State, c.RevokedAt }).ToListAsync();
        var bySerial = rows.GroupBy(r => r.SerialNumber).ToDictionary(g => g.Key, g => g.ToList());
        var issued = reported.Where(l => l.StartsWith("issued ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        var revoked = reported.Where(l => l.StartsWith("revoked ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        problems.AddRange(issued.Where(s => !bySerial.TryGetValue(s, out var r) || r[0].State != IssuanceState.Issued).Select(s => $"reported issued, not issued in the database: {s}"));
        problems.AddRange(revoked.Where(s => !bySerial.TryGetValue(s, out var r) || r[0].RevokedAt is null).Select(s => $"reported revoked, not revoked in the database: {s}"));
        problems.AddRange(bySerial.Where(g => g.Value.Count > 1).Select(g => $"serial used {g.Value.Count} times: {g.Key}"));
        var status = nodeB.GetRequiredService<ICertificateStatusSource>();
        var issuerKeyId = nodeB.GetRequiredService<CertificateAuthority>().IssuerKeyId;
        // The last issued: A may have revoked one and died before saying so, so the database says which answer is right.
        foreach (var serial in issued.TakeLast(5).Where(bySerial.ContainsKey))
        {
            var expected = bySerial[serial][0].RevokedAt is null ? CertificateState.Good : CertificateState.Revoked;
            if ((await status.FindAsync(issuerKeyId, serial, default)).State != expected)
            {
                problems.Add($"node B does not answer {expected} for {serial}, which node A issued");
            }
        }
        return problems;
    }

    /// <summary>At the end: no intent left, every abandoned serial answered revoked by node B and listed in the CRL it serves.</summary>
    private static async Task<List<string>> CheckRecoveredAsync(IServiceProvider nodeB, HttpClient http)
    {
        var problems = new List<string>();
        await using var scope = nodeB.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        problems.AddRange((await db.Certificates.Where(c => c.State == IssuanceState.Intent).Select(c => c.SerialNumber).ToListAsync())
            .Select(s => $"intent left after node B's recovery: {s}"));
        var abandoned = await db.Certificates.Where(c => c.State == IssuanceState.Abandoned).Select(c => c.SerialNumber).ToListAsync();
        var status = nodeB.GetRequiredService<ICertificateStatusSource>();
        var issuerKeyId = nodeB.GetRequiredService<CertificateAuthority>().IssuerKeyId;
        foreach (var serial in abandoned)
        {
            if ((await status.FindAsync(issuerKeyId, serial, default)).State != CertificateState.Revoked)
            {
                problems.Add($"abandoned serial not answered revoked: {serial}");
            }
        }
        // The CRL catches up within a second of the abandonment (the revocation epoch); give it a few.
        var revokedCount = await db.Certificates.CountAsync(c => c.RevokedAt != null);
        for (var attempt = 0; attempt < 50 && nodeB.GetRequiredService<CrlPublisher>().Current!.Info.EntryCount < revokedCount; attempt++)
        {
            await Task.Delay(100);
        }
        var crl = Enrollment.Ca.Revocation.CrlInfo.Read(await http.GetByteArrayAsync("pki/issuing.crl"));
        if (crl.EntryCount < revokedCount)
        {
            problems.Add($"node B's CRL lists {crl.EntryCount} serials; {revokedCount} are revoked or abandoned");
        }
        PageBench.Report("abandoned_after_recovery", abandoned.Count);
        return problems;
    }

    private static async Task<int> IntentsAsync(IServiceProvider nodeB)
    {
        await using var scope = nodeB.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.CountAsync(c => c.State == IssuanceState.Intent);
    }
}
