using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Gate;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Gate;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Gate;

public sealed class CertificateOwnershipTests
{
    [Fact]
    public async Task Check_OwnersCertificate_IsAcceptedAndRecordsWhereItWasSeen()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        var certificate = await IssueAsync(database, ca, alice);

        var verdict = await Ownership(database).CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, "198.51.100.4", default);

        Assert.True(verdict.IsAccepted);
        await using var db = await database.Factory.CreateDbContextAsync();
        var row = await db.Certificates.SingleAsync();
        Assert.Equal("198.51.100.4", row.LastSeenAddress);
        Assert.NotNull(row.LastSeenAt);
    }

    [Fact]
    public async Task Check_RepeatedWithinAMinuteFromTheSameAddress_WritesLastSeenOnce_AndAgainForANewAddressOrLater()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        var certificate = await IssueAsync(database, ca, alice);
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var ownership = new CertificateOwnership(new CertificateRecords(database.Factory), clock);

        await ownership.CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, "198.51.100.4", default);
        var first = await LastSeenAsync(database);
        clock.Now = clock.Now.AddSeconds(30);
        await ownership.CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, "198.51.100.4", default);
        var unchanged = await LastSeenAsync(database);
        await ownership.CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, "203.0.113.8", default);
        var moved = await LastSeenAsync(database);
        clock.Now = clock.Now.AddMinutes(2);
        await ownership.CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, "203.0.113.8", default);
        var later = await LastSeenAsync(database);

        Assert.Equal(first, unchanged);
        Assert.Equal("203.0.113.8", moved.Address);
        Assert.Equal(clock.Now.UtcDateTime, later.At);
    }

    [Fact]
    public async Task Check_AnotherUsersCertificate_IsAnotherUser()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        var bob = await database.AddUserAsync("bob@example.com", "E2002");
        var alices = await IssueAsync(database, ca, alice);

        var verdict = await Ownership(database).CheckAsync(alices, ca.Authority.IssuerKeyId, bob, MatchingKey.EmployeeId, null, default);

        Assert.Equal(GateFailure.AnotherUser, verdict.Failure);
    }

    [Fact]
    public async Task Check_RevokedCertificate_IsRevokedWithTimeAndReason()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        var certificate = await IssueAsync(database, ca, alice);
        await new RevocationRecords(database.Factory, new AuditTrail(TimeProvider.System), TimeProvider.System)
            .RevokeAsync(Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), RevocationReason.KeyCompromise, "admin", null, default);

        var verdict = await Ownership(database).CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, null, default);

        Assert.Equal(GateFailure.Revoked, verdict.Failure);
        Assert.Equal("keyCompromise", verdict.Detail);
        Assert.NotNull(verdict.At);
    }

    [Fact]
    public async Task Check_SignedByUsButNotRecorded_IsUnknown()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var unrecorded = new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls).Sign(new IssuanceTemplate(
            Ca.Serials.SerialNumber.Create(), Subject(alice), new PublicKey(key), now.AddMinutes(-1), now.AddDays(30), "p"));

        var verdict = await Ownership(database).CheckAsync(unrecorded, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, null, default);

        Assert.Equal(GateFailure.UnknownToUs, verdict.Failure);
    }

    [Fact]
    public async Task Check_EmployeeIdChangedAfterIssuance_IsNoLongerTheUsers()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        var certificate = await IssueAsync(database, ca, alice);
        alice.EmployeeId = "E9999";

        var byEmployeeId = await Ownership(database).CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.EmployeeId, null, default);
        var byEmail = await Ownership(database).CheckAsync(certificate, ca.Authority.IssuerKeyId, alice, MatchingKey.Email, null, default);

        Assert.Equal(GateFailure.AnotherUser, byEmployeeId.Failure);
        Assert.True(byEmail.IsAccepted);
    }

    [Fact]
    public async Task Check_ByUpn_MatchesTheUsersUpnOrElseTheirEmail()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        alice.Upn = "alice@corp.example";
        var withUpn = await IssueAsync(database, ca, alice);
        alice.Upn = null;
        var withEmailAsUpn = await IssueAsync(database, ca, alice);
        var ownership = Ownership(database);

        Assert.Equal(GateFailure.AnotherUser, (await ownership.CheckAsync(withUpn, ca.Authority.IssuerKeyId, alice, MatchingKey.Upn, null, default)).Failure);
        Assert.True((await ownership.CheckAsync(withEmailAsUpn, ca.Authority.IssuerKeyId, alice, MatchingKey.Upn, null, default)).IsAccepted);
        alice.Upn = "alice@corp.example";
        Assert.True((await ownership.CheckAsync(withUpn, ca.Authority.IssuerKeyId, alice, MatchingKey.Upn, null, default)).IsAccepted);
        Assert.Equal(GateFailure.AnotherUser, (await ownership.CheckAsync(withEmailAsUpn, ca.Authority.IssuerKeyId, alice, MatchingKey.Upn, null, default)).Failure);
    }

    [Fact]
    public async Task RecordStatus_WithoutAUser_SaysRevokedOrUnknownOrAccepted()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var ca = new TestAuthority();
        var alice = await database.AddUserAsync("alice@example.com", "E1001");
        var sound = await IssueAsync(database, ca, alice);
        var revoked = await IssueAsync(database, ca, alice);
        await new RevocationRecords(database.Factory, new AuditTrail(TimeProvider.System), TimeProvider.System)
            .RevokeAsync(Ca.Serials.SerialNumber.Canonicalize(revoked.SerialNumber), RevocationReason.CessationOfOperation, "admin", null, default);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var unrecorded = new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls).Sign(new IssuanceTemplate(
            Ca.Serials.SerialNumber.Create(), Subject(alice), new PublicKey(key), now.AddMinutes(-1), now.AddDays(30), "p"));
        var ownership = Ownership(database);

        Assert.True((await ownership.RecordStatusAsync(sound, ca.Authority.IssuerKeyId, default)).IsAccepted);
        Assert.Equal((GateFailure.Revoked, "cessationOfOperation"),
            await ownership.RecordStatusAsync(revoked, ca.Authority.IssuerKeyId, default) is var r ? (r.Failure, r.Detail) : default);
        Assert.Equal(GateFailure.UnknownToUs, (await ownership.RecordStatusAsync(unrecorded, ca.Authority.IssuerKeyId, default)).Failure);
        Assert.Equal((null, null), await LastSeenOfAsync(database, sound));
    }

    private static async Task<(DateTime? At, string? Address)> LastSeenAsync(TestDatabase database)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var row = await db.Certificates.AsNoTracking().SingleAsync();
        return (row.LastSeenAt, row.LastSeenAddress);
    }

    private static CertificateOwnership Ownership(TestDatabase database) => new(new CertificateRecords(database.Factory), TimeProvider.System);

    private static async Task<(DateTime? At, string? Address)> LastSeenOfAsync(TestDatabase database, X509Certificate2 certificate)
    {
        var serial = Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber);
        await using var db = await database.Factory.CreateDbContextAsync();
        var row = await db.Certificates.AsNoTracking().SingleAsync(c => c.SerialNumber == serial);
        return (row.LastSeenAt, row.LastSeenAddress);
    }

    private static CertificateSubject Subject(EnrollmentUser user) => new(user.DisplayName, "Example", user.EmployeeId!, user.Email!, user.Upn ?? "");

    private static async Task<X509Certificate2> IssueAsync(TestDatabase database, TestAuthority ca, EnrollmentUser user)
    {
        await using var ledger = new EfIssuanceLedger(database.Factory, new AuditTrail(TimeProvider.System), NoIssuanceFaults.Instance, TimeProvider.System);
        var service = new IssuanceService(ca.Authority, TestAuthority.Urls, ledger, NoIssuanceFaults.Instance, TimeProvider.System);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var result = await service.IssueAsync(new IssuanceOrder(user.Id, Subject(user), new PublicKey(key), new ClientCertificateProfile()));
        return result.Certificate!;
    }
}
