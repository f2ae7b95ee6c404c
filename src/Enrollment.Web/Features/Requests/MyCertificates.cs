using System.Security.Claims;
using Enrollment.Ca;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Requests;

/// <summary>One of the user's own certificates.</summary>
public sealed record MyCertificateRow(
    string Serial, string Profile, DateTime NotBefore, DateTime NotAfter, DateTime? RevokedAt, RevocationReason? Reason,
    DateTime? LastSeenAt, string? LastSeenAddress);

/// <summary>
/// The user's own certificates and self-revocation (docs/design.md, "Flow" step 6): a lost device is
/// keyCompromise, a certificate no longer needed is cessationOfOperation. The CRL and OCSP change
/// before the call returns.
/// </summary>
public sealed class MyCertificates(IServiceScopeFactory scopes)
{
    public static readonly IReadOnlyList<RevocationReason> Reasons = [RevocationReason.KeyCompromise, RevocationReason.CessationOfOperation];

    public static readonly Refusal NotYours = new("revocation.not-yours", "That certificate is not one of yours.");

    public async Task<(IReadOnlyList<MyCertificateRow> Rows, int Total)> ListAsync(ClaimsPrincipal actor, int skip, int take)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, actor) is not { } user)
        {
            return ([], 0);
        }
        var query = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.AsNoTracking()
            .Where(c => c.UserId == user.Id && c.State == IssuanceState.Issued);
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(c => c.Id).Skip(skip).Take(Math.Clamp(take, 1, 100))
            .Select(c => new MyCertificateRow(c.SerialNumber, c.Profile, c.NotBefore, c.NotAfter, c.RevokedAt, c.RevocationReason, c.LastSeenAt, c.LastSeenAddress))
            .ToListAsync();
        return (rows, total);
    }

    /// <summary>One of the user's own issued certificates by serial (any common form), or null.</summary>
    public async Task<MyCertificateRow?> FindAsync(ClaimsPrincipal actor, string serial)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, actor) is not { } user || !SerialNumber.TryCanonicalize(serial, out var canonical))
        {
            return null;
        }
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.AsNoTracking()
            .Where(c => c.SerialNumber == canonical && c.UserId == user.Id && c.State == IssuanceState.Issued)
            .Select(c => new MyCertificateRow(c.SerialNumber, c.Profile, c.NotBefore, c.NotAfter, c.RevokedAt, c.RevocationReason, c.LastSeenAt, c.LastSeenAddress))
            .FirstOrDefaultAsync();
    }

    public async Task<Refusal?> RevokeAsync(ClaimsPrincipal actor, string serial, RevocationReason reason, string? address)
    {
        if (!Reasons.Contains(reason))
        {
            return new Refusal("revocation.reason", "That revocation reason is not offered.");
        }
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, actor) is not { } user)
        {
            return MyRequests.SignedOut;
        }
        var canonical = SerialNumber.TryCanonicalize(serial, out var value) ? value : string.Empty;
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        if (!await db.Certificates.AnyAsync(c => c.SerialNumber == canonical && c.UserId == user.Id && c.State == IssuanceState.Issued))
        {
            return NotYours;
        }
        var outcome = await scope.ServiceProvider.GetRequiredService<RevocationService>()
            .RevokeAsync(canonical, reason, user.Email!, address, CancellationToken.None);
        return outcome == RevocationOutcome.AlreadyRevoked ? new Refusal("revocation.already", "The certificate is already revoked.") : null;
    }
}
