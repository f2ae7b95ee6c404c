using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Ocsp;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Tests.Certificates;

public sealed class IssuanceCrashSafetyTests
{
    private static readonly CertificateSubject Alice = new("Alice Example", "Example Corp", "E1001", "alice@example.com", "");

    [Theory]
    [InlineData(IssuanceStep.AfterIntent, DatabaseProvider.Sqlite)]
    [InlineData(IssuanceStep.AfterSigning, DatabaseProvider.Sqlite)]
    [InlineData(IssuanceStep.BeforeCommit, DatabaseProvider.Sqlite)]
    [InlineData(IssuanceStep.AfterIntent, DatabaseProvider.PostgreSql)]
    [InlineData(IssuanceStep.AfterSigning, DatabaseProvider.PostgreSql)]
    [InlineData(IssuanceStep.BeforeCommit, DatabaseProvider.PostgreSql)]
    public async Task Issue_FailureAtStep_LeavesTheSerialRecordedRevokedAndNeverGood(IssuanceStep step, DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var user = await database.AddUserAsync();
        var faults = new FaultAt(step);
        var service = Service(database, ca, faults);

        await Assert.ThrowsAsync<InjectedFault>(() => service.IssueAsync(Order(user)));

        var row = await SingleRowAsync(database);
        Assert.Equal(IssuanceState.Abandoned, row.State);
        Assert.NotNull(row.RevokedAt);
        Assert.Null(row.Certificate);
        var status = await new EfCertificateStatusSource(database.Factory).FindAsync(ca.Authority.IssuerKeyId, row.SerialNumber, default);
        Assert.Equal(CertificateState.Revoked, status.State);
        var revoked = await Records(database).ListRevokedAsync(ca.Authority.IssuerKeyId, default);
        Assert.Equal(row.SerialNumber, Convert.ToHexString(Assert.Single(revoked).Serial));
    }

    [Theory]
    [InlineData(IssuanceStep.AfterIntent, DatabaseProvider.Sqlite)]
    [InlineData(IssuanceStep.AfterSigning, DatabaseProvider.Sqlite)]
    [InlineData(IssuanceStep.BeforeCommit, DatabaseProvider.Sqlite)]
    [InlineData(IssuanceStep.AfterIntent, DatabaseProvider.PostgreSql)]
    [InlineData(IssuanceStep.AfterSigning, DatabaseProvider.PostgreSql)]
    [InlineData(IssuanceStep.BeforeCommit, DatabaseProvider.PostgreSql)]
    public async Task Issue_ProcessDiesAtStep_IntentIsUnknownUntilRecoveryThenRevoked(IssuanceStep step, DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var user = await database.AddUserAsync();
        var service = Service(database, ca, new FaultAt(step, IssuanceStep.BeforeAbandon));

        await Assert.ThrowsAsync<InjectedFault>(() => service.IssueAsync(Order(user)));

        var row = await SingleRowAsync(database);
        var source = new EfCertificateStatusSource(database.Factory);
        Assert.Equal(IssuanceState.Intent, row.State);
        Assert.Equal(CertificateState.Unknown, (await source.FindAsync(ca.Authority.IssuerKeyId, row.SerialNumber, default)).State);

        // The restart: start-up recovery abandons what did not finish.
        var recovered = await Ledger(database, NoIssuanceFaults.Instance).AbandonUnfinishedAsync(default);

        Assert.Equal(1, recovered);
        Assert.Equal(CertificateState.Revoked, (await source.FindAsync(ca.Authority.IssuerKeyId, row.SerialNumber, default)).State);
    }

    /// <summary>
    /// Recovery beside other nodes: an intent younger than the grace may be a live issuance and
    /// stays; once older, it is abandoned, once, however many nodes recover at the same moment.
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task StaleRecovery_LeavesAFreshIntent_AbandonsItOnceOlderThanTheGrace_Once(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var user = await database.AddUserAsync();
        await Assert.ThrowsAsync<InjectedFault>(() => Service(database, ca, new FaultAt(IssuanceStep.AfterIntent, IssuanceStep.BeforeAbandon)).IssueAsync(Order(user)));
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        EfIssuanceLedger Node() => new(database.Factory, new AuditTrail(clock), NoIssuanceFaults.Instance, clock);

        var early = await Node().AbandonStaleAsync(EfIssuanceLedger.IssuanceGrace, default);
        clock.Advance(EfIssuanceLedger.IssuanceGrace + TimeSpan.FromSeconds(1));
        var late = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Node().AbandonStaleAsync(EfIssuanceLedger.IssuanceGrace, default))));

        Assert.Equal(0, early);
        Assert.Equal(1, late.Sum());
        Assert.Equal(IssuanceState.Abandoned, (await SingleRowAsync(database)).State);
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "certificate.abandoned"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Issue_AfterFailures_NeverReusesASerialAndRecordsEachCertificate(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var user = await database.AddUserAsync();
        foreach (var step in new[] { IssuanceStep.AfterIntent, IssuanceStep.AfterSigning, IssuanceStep.BeforeCommit })
        {
            await Assert.ThrowsAsync<InjectedFault>(() => Service(database, ca, new FaultAt(step)).IssueAsync(Order(user)));
        }
        var healthy = Service(database, ca, NoIssuanceFaults.Instance);
        var issued = new List<X509Certificate2>();
        for (var i = 0; i < 20; i++)
        {
            issued.Add((await healthy.IssueAsync(Order(user))).Certificate!);
        }

        await using var db = await database.Factory.CreateDbContextAsync();
        var rows = await db.Certificates.AsNoTracking().ToListAsync();
        Assert.Equal(23, rows.Select(r => r.SerialNumber).Distinct().Count());
        foreach (var certificate in issued)
        {
            var row = Assert.Single(rows, r => r.SerialNumber == Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber));
            Assert.Equal(IssuanceState.Issued, row.State);
            Assert.Equal(certificate.RawData, row.Certificate);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo())), row.PublicKeySha256);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Issue_ManyAtOnce_SharesCommitsYetRecordsEveryCertificateAndKeepsTheAuditChain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var user = await database.AddUserAsync();
        await using var ledger = Ledger(database, NoIssuanceFaults.Instance);
        var service = new IssuanceService(ca.Authority, TestAuthority.Urls, ledger, NoIssuanceFaults.Instance, TimeProvider.System);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => service.IssueAsync(Order(user)))));

        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(100, results.Select(r => r.Serial).Distinct().Count());
        Assert.Equal(100, await db.Certificates.CountAsync(c => c.State == IssuanceState.Issued && c.Certificate != null));
        Assert.Equal(100, await db.AuditEvents.CountAsync(e => e.EventType == "certificate.issued"));
        Assert.Null(await AuditTrail.FindFirstBrokenAsync(db));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Issue_OneFailingWriteInABatch_FailsAloneWhileTheOthersCommit(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var user = await database.AddUserAsync();
        await using var ledger = Ledger(database, NoIssuanceFaults.Instance);
        var intent = new IssuanceIntent("7F01", ca.Authority.IssuerKeyId, user.Id, "p", "CN=x", "00", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), null);
        await ledger.RecordIntentAsync(intent, default);

        // A duplicate serial among fresh intents: the unique index refuses it, the batch is retried write by write.
        var writes = Enumerable.Range(0, 20)
            .Select(i => i == 10 ? intent : intent with { Serial = $"7F{i + 10:X2}" })
            .Select(i => ledger.RecordIntentAsync(i, default))
            .ToList();
        var outcome = await Task.WhenAll(writes.Select(async w => { try { await w; return true; } catch (DbUpdateException) { return false; } }));

        Assert.Equal(19, outcome.Count(ok => ok));
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(20, await db.Certificates.CountAsync());
    }

    private static IssuanceOrder Order(EnrollmentUser user)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new IssuanceOrder(user.Id, Alice, new PublicKey(key), new ClientCertificateProfile());
    }

    private static IssuanceService Service(TestDatabase database, TestAuthority ca, IIssuanceFaults faults) =>
        new(ca.Authority, TestAuthority.Urls, Ledger(database, faults), faults, TimeProvider.System);

    private static EfIssuanceLedger Ledger(TestDatabase database, IIssuanceFaults faults) =>
        new(database.Factory, new AuditTrail(TimeProvider.System), faults, TimeProvider.System);

    private static RevocationRecords Records(TestDatabase database) =>
        new(database.Factory, new AuditTrail(TimeProvider.System), TimeProvider.System);

    private static async Task<IssuedCertificate> SingleRowAsync(TestDatabase database)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        return await db.Certificates.AsNoTracking().SingleAsync();
    }

    private sealed class InjectedFault : Exception;

    /// <summary>Throws at the chosen steps of issuance, as a crash or a failing disk would.</summary>
    private sealed class FaultAt(params IssuanceStep[] steps) : IIssuanceFaults
    {
        public void At(IssuanceStep step)
        {
            if (steps.Contains(step))
            {
                throw new InjectedFault();
            }
        }
    }
}
