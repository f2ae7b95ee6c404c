using System.Diagnostics;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Crash safety under kill -9 (docs/reliability.md): a child process issues and revokes in bulk
/// on one data directory and reports each issuance and revocation once the portal's service has
/// returned it; the parent kills it with SIGKILL at a random moment, restarts the portal on the
/// same directory (start-up recovery included) and checks what a CA must guarantee.
/// </summary>
internal static class CrashBench
{
    private const string OwnerEmail = "crash-owner@example.com";

    public static async Task<int> RunAsync(int runs, string directory, int seed)
    {
        var random = new Random(seed);
        var dataDirectory = Path.Combine(directory, "data");
        var totals = new Dictionary<string, long>();
        void Count(string key, long value) => totals[key] = totals.GetValueOrDefault(key) + value;
        BigInteger lastCrl = 0;
        var failures = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            var reported = await KillDuringBulkIssuanceAsync([dataDirectory], random);
            var (problems, crl, abandoned) = await CheckAsync(dataDirectory, reported, lastCrl, Count);
            totals["abandoned_after_recovery"] = abandoned;
            failures.AddRange(problems.Select(p => $"run {run}: {p}"));
            lastCrl = crl;
        }
        PageBench.Report("runs", runs);
        foreach (var (key, value) in totals)
        {
            PageBench.Report(key, value);
        }
        PageBench.Report("violations", failures.Count);
        foreach (var failure in failures.Take(10))
        {
            await Console.Error.WriteLineAsync(failure);
        }
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Starts the child (<see cref="ChildAsync"/>) with the given arguments, lets it issue until its
    /// first issuance (start-up is not what we are killing) and a random moment longer, kills it with
    /// SIGKILL, and returns every line it printed.
    /// </summary>
    public static async Task<List<string>> KillDuringBulkIssuanceAsync(string[] childArgs, Random random)
    {
        using var child = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["crash-child", .. childArgs])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("the child did not start");
        var reported = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (reported)
                {
                    reported.Add(line);
                }
            }
        });
        _ = child.StandardError.ReadToEndAsync();
        var started = Stopwatch.StartNew();
        while (!HasIssued() && started.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
        {
            await Task.Delay(20);
        }
        await Task.Delay(random.Next(50, 1500));
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        await reading;
        return reported;

        bool HasIssued()
        {
            lock (reported)
            {
                return reported.Any(l => l.StartsWith("issued ", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>The child: issues eight at a time, revokes every fifth, and says so after each returns. <paramref name="settings"/>: a server database, say.</summary>
    public static async Task<int> ChildAsync(string dataDirectory, string[] settings)
    {
        await using var app = EnrollmentHost.Build([$"--Enrollment:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=None", .. settings]);
        await StartupInitializer.InitializeAsync(app.Services);
        var owner = await OwnerAsync(app.Services);
        var issued = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, int.MaxValue), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancellationToken) =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(owner, new PublicKey(key), null, cancellationToken);
            Console.Out.WriteLine($"issued {result.Serial}");
            if (Interlocked.Increment(ref issued) % 5 == 0)
            {
                await scope.ServiceProvider.GetRequiredService<RevocationService>().RevokeAsync(result.Serial!, RevocationReason.KeyCompromise, "crash-bench", null, cancellationToken);
                Console.Out.WriteLine($"revoked {result.Serial} crl {scope.ServiceProvider.GetRequiredService<CrlPublisher>().Current?.Info.Number}");
            }
        });
        return 0;
    }

    /// <summary>Restart on the directory, then: integrity, durability of everything reported, no unknown or reused serial, CRL number, OCSP.</summary>
    private static async Task<(List<string> Problems, BigInteger Crl, int Abandoned)> CheckAsync(string dataDirectory, List<string> reported, BigInteger lastCrl, Action<string, long> count)
    {
        var problems = new List<string>();
        await using var app = EnrollmentHost.Build([$"--Enrollment:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=None"]);
        await StartupInitializer.InitializeAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var integrity = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync();
        if (integrity is not ["ok"])
        {
            problems.Add($"integrity_check: {string.Join("; ", integrity)}");
        }
        var rows = await db.Certificates.AsNoTracking().Select(c => new { c.SerialNumber, c.State, c.RevokedAt }).ToListAsync();
        var bySerial = rows.GroupBy(r => r.SerialNumber).ToDictionary(g => g.Key, g => g.ToList());
        var issued = reported.Where(l => l.StartsWith("issued ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        var revoked = reported.Where(l => l.StartsWith("revoked ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        problems.AddRange(issued.Where(s => !bySerial.TryGetValue(s, out var r) || r[0].State != IssuanceState.Issued).Select(s => $"reported issued, not in the database: {s}"));
        problems.AddRange(revoked.Where(p => !bySerial.TryGetValue(p[1], out var r) || r[0].RevokedAt is null).Select(p => $"reported revoked, not revoked in the database: {p[1]}"));
        problems.AddRange(bySerial.Where(g => g.Value.Count > 1).Select(g => $"serial used {g.Value.Count} times: {g.Key}"));
        problems.AddRange(rows.Where(r => r.State == IssuanceState.Intent).Select(r => $"intent left after recovery: {r.SerialNumber}"));
        // Every serial that may have been signed and not recorded as issued must answer revoked, never good.
        var authority = app.Services.GetRequiredService<CertificateAuthority>();
        var status = app.Services.GetRequiredService<ICertificateStatusSource>();
        var abandoned = rows.Where(r => r.State == IssuanceState.Abandoned).ToList();
        foreach (var row in abandoned)
        {
            if ((await status.FindAsync(authority.IssuerKeyId, row.SerialNumber, default)).State != CertificateState.Revoked)
            {
                problems.Add($"abandoned serial not answered revoked: {row.SerialNumber}");
            }
        }
        var crl = (await scope.ServiceProvider.GetRequiredService<CrlPublisher>().PublishAsync("crash-bench", default)).Info.Number;
        var reportedCrl = revoked.Where(p => p.Length == 4 && BigInteger.TryParse(p[3], out _)).Select(p => BigInteger.Parse(p[3])).DefaultIfEmpty(lastCrl).Max();
        if (crl <= BigInteger.Max(lastCrl, reportedCrl))
        {
            problems.Add($"CRL number {crl} after restart is not above {BigInteger.Max(lastCrl, reportedCrl)}");
        }
        count("issued_reported", issued.Count);
        count("revoked_reported", revoked.Count);
        return (problems, crl, abandoned.Count);
    }

    private static async Task<EnrollmentUser> OwnerAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        if (await users.FindByEmailAsync(OwnerEmail) is { } existing)
        {
            return existing;
        }
        var user = new EnrollmentUser
        {
            UserName = OwnerEmail, Email = OwnerEmail, EmailConfirmed = true, DisplayName = "Crash Owner", EmployeeId = "CRASH-1", CreatedAt = DateTime.UtcNow,
        };
        var created = await users.CreateAsync(user);
        return created.Succeeded ? user : throw new InvalidOperationException(string.Join(", ", created.Errors.Select(e => e.Description)));
    }
}
