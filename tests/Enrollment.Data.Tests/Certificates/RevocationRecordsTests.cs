using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Certificates;
using Enrollment.Testing;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Tests.Certificates;

public sealed class RevocationRecordsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Revoke_TwoAdminsAtOnce_RecordsOneRevocationWithOneReason(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        using var ca = new TestAuthority();
        var serial = await IssueAsync(database, ca);
        var records = new RevocationRecords(database.Factory, new AuditTrail(TimeProvider.System), TimeProvider.System);

        var outcomes = await Task.WhenAll(
            records.RevokeAsync(serial, RevocationReason.KeyCompromise, "first", null, default),
            records.RevokeAsync(serial, RevocationReason.Superseded, "second", null, default));

        Assert.Single(outcomes, o => o == RevocationOutcome.Revoked);
        Assert.Single(outcomes, o => o == RevocationOutcome.AlreadyRevoked);
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "certificate.revoked"));
        var status = await new EfCertificateStatusSource(database.Factory).FindAsync(ca.Authority.IssuerKeyId, serial, default);
        Assert.Equal(CertificateState.Revoked, status.State);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Revoke_UnknownSerial_IsNotFoundAndChangesNothing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var records = new RevocationRecords(database.Factory, new AuditTrail(TimeProvider.System), TimeProvider.System);

        var outcome = await records.RevokeAsync("0A0B0C", RevocationReason.KeyCompromise, "admin", null, default);

        Assert.Equal(RevocationOutcome.NotFound, outcome);
        await using var db = await database.Factory.CreateDbContextAsync();
        Assert.Equal(0, await db.AuditEvents.CountAsync());
        Assert.Equal(0, await records.ReadEpochAsync(default));
    }

    private static async Task<string> IssueAsync(TestDatabase database, TestAuthority ca)
    {
        var user = await database.AddUserAsync();
        var ledger = new EfIssuanceLedger(database.Factory, new AuditTrail(TimeProvider.System), NoIssuanceFaults.Instance, TimeProvider.System);
        var service = new IssuanceService(ca.Authority, TestAuthority.Urls, ledger, NoIssuanceFaults.Instance, TimeProvider.System);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var result = await service.IssueAsync(new IssuanceOrder(user.Id,
            new CertificateSubject("Alice", "Example", "E1001", "alice@example.com", ""), new PublicKey(key), new ClientCertificateProfile()));
        return result.Serial!;
    }
}
