using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Policy;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// Usage: Enrollment.Bench crl <entries> <work-dir>   |   Enrollment.Bench issue <count> <parallelism> <work-dir> [<postgresql-server>]
//        Enrollment.Bench pages <work-dir>   |   admin-list <work-dir>   |   fuzz <inputs-per-parser> <seed> <work-dir>
//        Enrollment.Bench races <rounds> <work-dir>   |   crash <runs> <work-dir> <seed>   |   connections <seconds> <work-dir>
//        Enrollment.Bench crash-cluster <runs> <work-dir> <seed> <postgresql-server-connection-string>
//        Enrollment.Bench bouncycastle <signatures> <crl-entries>   |   hsm <count>
//        Enrollment.Bench prepare-portal <data-dir> <email> <password>
//        Enrollment.Bench circuits <url> <server-pid> <count> [<email> <password>]
// Prints "key=value" lines that bench/run.sh reads.
var verb = args.ElementAtOrDefault(0);
return verb switch
{
    "crl" => await Crl(int.Parse(args[1]), args[2]),
    "issue" => await Issue(int.Parse(args[1]), int.Parse(args[2]), args[3], args.ElementAtOrDefault(4)),
    "parts" => await Parts(args[1]),
    "pages" => await PageBench.RenderAsync(args[1]),
    "admin-list" => await AdminListBench.RunAsync(args[1]),
    "fuzz" => await FuzzBench.RunAsync(int.Parse(args[1]), int.Parse(args[2]), args[3]),
    "bouncycastle" => BouncyCastleBench.Run(int.Parse(args[1]), int.Parse(args[2])),
    "hsm" => HsmBench.Run(int.Parse(args[1])),
    "races" => await RaceBench.RunAsync(int.Parse(args[1]), args[2]),
    "crash" => await CrashBench.RunAsync(int.Parse(args[1]), args[2], int.Parse(args[3])),
    "crash-child" => await CrashBench.ChildAsync(args[1], args[2..]),
    "crash-cluster" => await CrashClusterBench.RunAsync(int.Parse(args[1]), args[2], int.Parse(args[3]), args[4]),
    "connections" => await ConnectionsBench.RunAsync(int.Parse(args[1]), args[2]),
    "prepare-portal" => await PageBench.PreparePortalAsync(args[1], args[2], args[3]),
    "circuits" => await PageBench.CircuitMemoryAsync(new Uri(args[1]), int.Parse(args[2]), int.Parse(args[3]), args.ElementAtOrDefault(4), args.ElementAtOrDefault(5)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Enrollment.Bench crl <entries> <dir> | issue <count> <parallelism> <dir>");
    return 2;
}

// The full publication path: revoked rows read from SQLite, the CRL encoded and signed, the file written.
static async Task<int> Crl(int entries, string directory)
{
    var (factory, authority) = await SetUpAsync(directory);
    var user = await AddUserAsync(factory);
    await using (var db = await factory.CreateDbContextAsync())
    {
        var now = DateTime.UtcNow;
        db.Certificates.AddRange(Enumerable.Range(0, entries).Select(i => new IssuedCertificate
        {
            SerialNumber = SerialNumber.ToCanonical(SerialNumber.Create()), IssuerKeyId = authority.IssuerKeyId, UserId = user,
            Profile = "bench", SubjectDn = "CN=bench", PublicKeySha256 = "00", NotBefore = now, NotAfter = now.AddDays(365),
            State = IssuanceState.Issued, CreatedAt = now, RevokedAt = now.AddSeconds(-i), RevocationReason = RevocationReason.KeyCompromise,
        }));
        await db.SaveChangesAsync();
    }
    var records = new RevocationRecords(factory, new AuditTrail(TimeProvider.System), TimeProvider.System);
    var timings = new List<double>();
    byte[] der = [];
    // One warm-up round (JIT, page cache), then five measured rounds: a publishing server is warm.
    for (var round = 0; round < 6; round++)
    {
        var watch = Stopwatch.StartNew();
        var revoked = await records.ListRevokedAsync(authority.IssuerKeyId, default);
        long number;
        await using (var db = await factory.CreateDbContextAsync())
        {
            number = await CaCounter.IncrementAsync(db, CaCounter.CrlNumber, default);
        }
        der = CrlEncoder.Encode(authority, number, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7), revoked);
        await File.WriteAllBytesAsync(Path.Combine(directory, "bench.crl"), der);
        if (round > 0)
        {
            timings.Add(watch.Elapsed.TotalSeconds);
        }
    }
    File.WriteAllText(Path.Combine(directory, "chain.pem"), authority.Issuing.ExportCertificatePem() + authority.Root.ExportCertificatePem());
    Console.WriteLine($"crl_entries={CrlInfo.Read(der).EntryCount}");
    Console.WriteLine($"crl_seconds={timings.Order().ElementAt(timings.Count / 2):F3}");
    return 0;
}

// Issuance with durable records: CSR parsed and verified, intent committed, signed, certificate committed.
// On SQLite in the work directory, or on a new database of the PostgreSQL server given.
static async Task<int> Issue(int count, int parallelism, string directory, string? postgreSqlServer)
{
    var (factory, authority) = await SetUpAsync(directory, postgreSqlServer);
    var user = await AddUserAsync(factory);
    var ledger = new EfIssuanceLedger(factory, new AuditTrail(TimeProvider.System), NoIssuanceFaults.Instance, TimeProvider.System);
    var service = new IssuanceService(authority, PublicationUrls.From("http://localhost:5000/"), ledger, NoIssuanceFaults.Instance, TimeProvider.System);
    var subject = new CertificateSubject("Bench User", "Bench", "B0001", "bench@example.com", "");
    var csrs = Enumerable.Range(0, count).Select(_ =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=bench", key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }).ToArray();

    var watch = Stopwatch.StartNew();
    await Parallel.ForEachAsync(csrs, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (csr, token) =>
    {
        var accepted = SigningRequestReader.Read(csr).Accepted ?? throw new InvalidOperationException("CSR refused");
        var result = await service.IssueAsync(new IssuanceOrder(user, subject, accepted.PublicKey, new ClientCertificateProfile()), token);
        _ = result.Certificate ?? throw new InvalidOperationException(result.Refusal?.Message);
    });
    var seconds = watch.Elapsed.TotalSeconds;
    await using var db = await factory.CreateDbContextAsync();
    Console.WriteLine($"issued={await db.Certificates.CountAsync(c => c.State == IssuanceState.Issued)}");
    Console.WriteLine($"issue_per_second={count / seconds:F0}");
    return 0;
}

static async Task<int> Parts(string directory)
{
    var (factory, authority) = await SetUpAsync(directory);
    var user = await AddUserAsync(factory);
    var urls = PublicationUrls.From("http://localhost:5000/");
    var subject = new CertificateSubject("Bench User", "Bench", "B0001", "bench@example.com", "");
    var csrs = Enumerable.Range(0, 1000).Select(_ => { using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256); return new CertificateRequest("CN=bench", key, HashAlgorithmName.SHA256).CreateSigningRequest(); }).ToArray();
    var sw = Stopwatch.StartNew();
    var keys = csrs.Select(c => SigningRequestReader.Read(c).Accepted!.PublicKey).ToArray();
    Console.WriteLine($"csr_read_us={sw.Elapsed.TotalMicroseconds / 1000:F0}");
    var builder = new ClientCertificateBuilder(authority, urls);
    sw.Restart();
    var certs = keys.Select(k => builder.Sign(new IssuanceTemplate(SerialNumber.Create(), subject, k, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30), "p"))).ToArray();
    Console.WriteLine($"sign_with_lint_us={sw.Elapsed.TotalMicroseconds / 1000:F0}");
    sw.Restart();
    foreach (var k in keys) { Enrollment.Ca.Policy.KeyPolicy.Check(k, out _); }
    Console.WriteLine($"keypolicy_us={sw.Elapsed.TotalMicroseconds / 1000:F0}");
    var ledger = new EfIssuanceLedger(factory, new AuditTrail(TimeProvider.System), NoIssuanceFaults.Instance, TimeProvider.System);
    sw.Restart();
    var intents = certs.Select(c => new IssuanceIntent(SerialNumber.Canonicalize(c.SerialNumber), authority.IssuerKeyId, user, "p", "CN=x", "00", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), null)).ToArray();
    foreach (var i in intents) { await ledger.RecordIntentAsync(i, default); }
    Console.WriteLine($"intent_us={sw.Elapsed.TotalMicroseconds / 1000:F0}");
    sw.Restart();
    for (var n = 0; n < intents.Length; n++) { await ledger.RecordIssuedAsync(intents[n], certs[n].RawData, default); }
    Console.WriteLine($"issued_us={sw.Elapsed.TotalMicroseconds / 1000:F0}");
    return 0;
}

static async Task<(IDbContextFactory<EnrollmentDbContext>, CertificateAuthority)> SetUpAsync(string directory, string? postgreSqlServer = null)
{
    Directory.CreateDirectory(directory);
    var settings = postgreSqlServer is null
        ? new DatabaseSettings(DatabaseProvider.Sqlite, Path.Combine(directory, "bench.db"))
        : new DatabaseSettings(DatabaseProvider.PostgreSql, $"{postgreSqlServer};Database=bench_{Guid.NewGuid():N}");
    var services = new ServiceCollection().AddEnrollmentDatabase(settings).BuildServiceProvider();
    var factory = services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>();
    await using (var db = await factory.CreateDbContextAsync())
    {
        await DatabaseInitializer.InitializeAsync(db);
    }
    var generator = new CaGenerator(new CaGenerationOptions(), PublicationUrls.From("http://localhost:5000/"), TimeProvider.System);
    var (authority, rootKey) = generator.CreateHierarchy();
    rootKey.Dispose();
    return (factory, authority);
}

static async Task<string> AddUserAsync(IDbContextFactory<EnrollmentDbContext> factory)
{
    await using var db = await factory.CreateDbContextAsync();
    var user = new EnrollmentUser { UserName = "bench", Email = "bench@example.com", DisplayName = "Bench", EmployeeId = "B0001", CreatedAt = DateTime.UtcNow };
    db.Users.Add(user);
    await db.SaveChangesAsync();
    return user.Id;
}
