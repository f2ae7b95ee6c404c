using System.Security.Claims;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Admin;

public sealed class AuditLogTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task List_ByAnAdminWithAnOwnCertificate_FiltersByEventType()
    {
        var (admin, connection) = await AdminAsync();
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<AuditLog>();

        var (rows, total) = await log.ListAsync(admin, connection, new AuditFilter(EventType: "certificate.issued"), 0, 25);

        Assert.True(total >= 1);
        Assert.All(rows, r => Assert.Equal("certificate.issued", r.EventType));
        Assert.True(rows.Select(r => r.Id).SequenceEqual(rows.Select(r => r.Id).OrderDescending()), "newest first");
    }

    [Fact]
    public async Task List_ByTarget_IgnoresCaseAndTakesWildcardsLiterally()
    {
        var (admin, connection) = await AdminAsync();
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var trail = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var code = "QZ" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await trail.AppendAsync(db, new AuditEntry("help-desk@example.com", "gate.refused", code, "failure=Expired"));
        await trail.AppendAsync(db, new AuditEntry("help-desk@example.com", "test.wildcard", code[..2] + "_%" + code[4..], "decoy"));
        var log = scope.ServiceProvider.GetRequiredService<AuditLog>();

        var (byLowerCase, _) = await log.ListAsync(admin, connection, new AuditFilter(Target: code.ToLowerInvariant()), 0, 25);
        var (byWildcards, _) = await log.ListAsync(admin, connection, new AuditFilter(Target: code[..2] + "_%"), 0, 25);

        Assert.Equal(code, Assert.Single(byLowerCase).Target);
        Assert.Equal("test.wildcard", Assert.Single(byWildcards).EventType);
    }

    [Fact]
    public async Task List_ByARequesterOrWithoutCertificate_IsRefused()
    {
        var requester = await fixture.AddUserAsync($"audit-requester-{Guid.NewGuid():N}@example.com", "AR-" + Guid.NewGuid().ToString("N")[..8]);
        var (admin, _) = await AdminAsync();
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var requesterPrincipal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(requester);

        await Assert.ThrowsAsync<RoleRequiredException>(() => log.ListAsync(requesterPrincipal, new ConnectionCertificate(null, null), new AuditFilter(), 0, 25));
        await Assert.ThrowsAsync<RoleRequiredException>(() => log.VerifyAsync(requesterPrincipal, new ConnectionCertificate(null, null)));
        await Assert.ThrowsAsync<CertificateRequiredException>(() => log.ListAsync(admin, new ConnectionCertificate(null, null), new AuditFilter(), 0, 25));
    }

    [Fact]
    public async Task Verify_AfterARowIsAlteredInTheDatabase_NamesTheRowAndRecordsTheCheck()
    {
        await using var portal = await RunningPortal.StartAsync();
        var (admin, connection) = await AdminAsync(portal);
        await using var scope = portal.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        Assert.True((await log.VerifyAsync(admin, connection)).IsIntact);
        var victim = await db.AuditEvents.OrderBy(e => e.Id).Skip(1).Select(e => e.Id).FirstAsync();

        await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEvents\" SET \"Actor\" = 'somebody else' WHERE \"Id\" = {victim}");

        var verification = await log.VerifyAsync(admin, connection);

        Assert.Equal((AuditVerdict.RowAltered, victim), (verification.Verdict, verification.RowId));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.EventType == "audit.verified" && e.Target == victim.ToString()
                                                       && e.Details.Contains($"broken at event {victim}")));
    }

    private Task<(ClaimsPrincipal, ConnectionCertificate)> AdminAsync() => AdminSession.CreateAsync(fixture.Portal);

    private static Task<(ClaimsPrincipal, ConnectionCertificate)> AdminAsync(RunningPortal portal) => AdminSession.CreateAsync(portal);
}
