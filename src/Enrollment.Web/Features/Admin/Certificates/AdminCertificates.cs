using System.Security.Claims;
using System.Security.Cryptography;
using Enrollment.Ca;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Admin.Certificates;

/// <summary>A certificate as the admin list shows it.</summary>
public sealed record CertificateRow(
    string Serial, string OwnerId, string OwnerEmail, string OwnerName, string? EmployeeId, string Profile,
    DateTime NotBefore, DateTime NotAfter, DateTime? RevokedAt, RevocationReason? Reason, DateTime? LastSeenAt);

/// <summary>
/// Every issued certificate for administrators: search, filter, sort and page on the server (see
/// <see cref="CertificateQuery"/>), export as streamed CSV, decode one in detail, and revoke. Every call
/// authorizes again and runs in its own scope; revocation reaches the CRL and OCSP before it returns.
/// </summary>
public sealed class AdminCertificates(IServiceScopeFactory scopes, AuditTrail audit, TimeProvider time)
{
    /// <summary>The reasons an administrator may choose (certificateHold is never offered).</summary>
    public static readonly RevocationReason[] Reasons =
    [
        RevocationReason.Unspecified, RevocationReason.KeyCompromise, RevocationReason.AffiliationChanged,
        RevocationReason.Superseded, RevocationReason.CessationOfOperation,
    ];

    public async Task<(IReadOnlyList<CertificateRow> Rows, int Total)> ListAsync(
        ClaimsPrincipal actor, ConnectionCertificate connection, CertificateQuery query, int skip, int take)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var filtered = query.Apply(db, time.GetUtcNow().UtcDateTime);
        var total = await filtered.CountAsync();
        var rows = await Rows(query.Order(filtered).Skip(skip).Take(Math.Clamp(take, 1, 100))).ToListAsync();
        return (rows, total);
    }

    /// <summary>Writes every certificate of the filter as CSV to the output as the rows arrive; returns how many.</summary>
    public async Task<int> ExportAsync(ClaimsPrincipal actor, ConnectionCertificate connection, CertificateQuery query, Stream output, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var rows = Rows(query.Order(query.Apply(db, now))).AsAsyncEnumerable();
        var count = await CertificateCsv.WriteAsync(rows, output, now, cancellationToken);
        await audit.AppendAsync(db, new AuditEntry(admin.Email!, "certificates.exported", null, $"rows={count} filter={query.ToQueryString()}", connection.Address));
        return count;
    }

    /// <summary>One issued certificate as PEM, for the download; null when no such certificate was issued.</summary>
    public async Task<string?> PemAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string serial)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        if (!SerialNumber.TryCanonicalize(serial, out var canonical))
        {
            return null;
        }
        var der = await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.AsNoTracking()
            .Where(c => c.SerialNumber == canonical && c.State == IssuanceState.Issued).Select(c => c.Certificate).SingleOrDefaultAsync();
        return der is null ? null : PemEncoding.WriteString("CERTIFICATE", der);
    }

    /// <summary>One certificate decoded, with its request, approval and audit history; null when no such certificate was issued.</summary>
    public async Task<CertificateDetails?> DetailsAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string serial)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        if (!SerialNumber.TryCanonicalize(serial, out var canonical))
        {
            return null;
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var issued = db.Certificates.AsNoTracking().Where(c => c.SerialNumber == canonical && c.State == IssuanceState.Issued);
        var row = await Rows(issued).SingleOrDefaultAsync();
        var stored = await issued.Select(c => new { c.Certificate, c.RequestId }).SingleOrDefaultAsync();
        if (row is null || stored?.Certificate is null)
        {
            return null;
        }
        var request = stored.RequestId is { } requestId
            ? await db.Requests.AsNoTracking().Where(r => r.Id == requestId)
                .Select(r => new RequestHistory(
                    new MyRequestRow(r.Id, r.Profile, r.Justification, r.State, r.SubmittedAt, r.DeciderName, r.DecidedAt, r.DecisionComment,
                        r.PickupDeadline, r.ClosedAt, r.PickupMethod, r.CertificateSerial),
                    r.Requester!.Email!, r.RenewalOf))
                .SingleOrDefaultAsync()
            : null;
        var requestTarget = stored.RequestId?.ToString();
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.Target == canonical || (requestTarget != null && e.Target == requestTarget))
            .OrderBy(e => e.Id).Take(200)
            .Select(e => new AuditRow(e.Id, e.OccurredAt, e.Actor, e.Address, e.EventType, e.Target, e.Details))
            .ToListAsync();
        var (pem, fields, extensions) = CertificateDetails.Decode(stored.Certificate);
        return new CertificateDetails(row, pem, fields, extensions, request, events);
    }

    public async Task<Refusal?> RevokeAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string serial, RevocationReason reason)
    {
        if (!Reasons.Contains(reason))
        {
            return new Refusal("revocation.reason", "That revocation reason is not offered.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var outcome = await scope.ServiceProvider.GetRequiredService<RevocationService>()
            .RevokeAsync(SerialNumber.Canonicalize(serial), reason, admin.Email!, connection.Address, CancellationToken.None);
        return outcome switch
        {
            RevocationOutcome.Revoked => null,
            RevocationOutcome.AlreadyRevoked => new Refusal("revocation.already", "The certificate is already revoked."),
            _ => new Refusal("revocation.not-found", "No such certificate was issued here."),
        };
    }

    /// <summary>"Employee left": revokes every valid certificate of the user; returns how many.</summary>
    public async Task<int> RevokeAllOfUserAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string userId, RevocationReason reason)
    {
        await using var scope = scopes.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var serials = await db.Certificates.Where(c => c.UserId == userId && c.State == IssuanceState.Issued && c.RevokedAt == null)
            .Select(c => c.SerialNumber).ToListAsync();
        var revocation = scope.ServiceProvider.GetRequiredService<RevocationService>();
        var count = 0;
        foreach (var serial in serials)
        {
            count += await revocation.RevokeAsync(serial, reason, admin.Email!, connection.Address, CancellationToken.None) == RevocationOutcome.Revoked ? 1 : 0;
        }
        return count;
    }

    private static IQueryable<CertificateRow> Rows(IQueryable<IssuedCertificate> certificates) =>
        certificates.Select(c => new CertificateRow(c.SerialNumber, c.UserId, c.User!.Email!, c.User.DisplayName, c.User.EmployeeId, c.Profile,
            c.NotBefore, c.NotAfter, c.RevokedAt, c.RevocationReason, c.LastSeenAt));
}
