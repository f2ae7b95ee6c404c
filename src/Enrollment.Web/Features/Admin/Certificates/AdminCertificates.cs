using System.Security.Claims;
using Enrollment.Ca;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Admin.Certificates;

public enum CertificateStatusFilter
{
    All,
    Valid,
    ExpiringSoon,
    Expired,
    Revoked,
}

/// <summary>A certificate as the admin list shows it.</summary>
public sealed record CertificateRow(
    string Serial, string OwnerId, string OwnerEmail, string OwnerName, string? EmployeeId, string Profile,
    DateTime NotBefore, DateTime NotAfter, DateTime? RevokedAt, RevocationReason? Reason, DateTime? LastSeenAt);

/// <summary>
/// Every issued certificate for administrators: search by owner, email, employee id or serial (any
/// case, with or without colons), filter by status, page on the server, and revoke. Every call
/// authorizes again and runs in its own scope; revocation reaches the CRL and OCSP before it returns.
/// </summary>
public sealed class AdminCertificates(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>The reasons an administrator may choose (certificateHold is never offered).</summary>
    public static readonly RevocationReason[] Reasons =
    [
        RevocationReason.Unspecified, RevocationReason.KeyCompromise, RevocationReason.AffiliationChanged,
        RevocationReason.Superseded, RevocationReason.CessationOfOperation,
    ];

    public async Task<(IReadOnlyList<CertificateRow> Rows, int Total)> ListAsync(
        ClaimsPrincipal actor, ConnectionCertificate connection, string? search, CertificateStatusFilter status, int skip, int take)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var soon = now + Health.CaHealth.ExpiringSoon;
        var query = db.Certificates.AsNoTracking().Where(c => c.State == IssuanceState.Issued);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var serial = SerialNumber.TryCanonicalize(term, out var canonical) ? canonical : null;
            var upper = term.ToUpperInvariant();
            query = query.Where(c => c.SerialNumber == serial || c.User!.NormalizedEmail!.Contains(upper)
                                     || c.User.DisplayName.ToUpper().Contains(upper) || (c.User.EmployeeId != null && c.User.EmployeeId.ToUpper() == upper));
        }
        query = status switch
        {
            CertificateStatusFilter.Valid => query.Where(c => c.RevokedAt == null && c.NotAfter > now),
            CertificateStatusFilter.ExpiringSoon => query.Where(c => c.RevokedAt == null && c.NotAfter > now && c.NotAfter <= soon),
            CertificateStatusFilter.Expired => query.Where(c => c.RevokedAt == null && c.NotAfter <= now),
            CertificateStatusFilter.Revoked => query.Where(c => c.RevokedAt != null),
            _ => query,
        };
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(c => c.Id).Skip(skip).Take(Math.Clamp(take, 1, 100))
            .Select(c => new CertificateRow(c.SerialNumber, c.UserId, c.User!.Email!, c.User.DisplayName, c.User.EmployeeId, c.Profile,
                c.NotBefore, c.NotAfter, c.RevokedAt, c.RevocationReason, c.LastSeenAt))
            .ToListAsync();
        return (rows, total);
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
}
