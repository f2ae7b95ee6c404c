using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Recovery;

/// <summary>
/// What a refused visitor can do next, read from their own records: pick up a certificate that
/// was already approved, wait for a pending request, install or choose a valid certificate they
/// already hold, renew the certificate they presented, or request a new one (docs/design.md, "Guided recovery").
/// </summary>
public sealed record RecoveryPath(Guid? PickupRequestId, DateTime? PickupDeadline, DateTime? PendingSince, string? RenewableSerial)
{
    public static readonly RecoveryPath RequestNew = new(null, null, null, null);

    /// <summary>A valid certificate of the visitor's other than the one presented: installing or choosing it beats a new request.</summary>
    public string? HeldSerial { get; init; }

    public DateTime? HeldUntil { get; init; }
}

public sealed class RecoveryPaths(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<RecoveryPath> ForAsync(ClaimsPrincipal visitor, X509Certificate2? presented, CancellationToken cancellationToken = default)
    {
        if (visitor.Identity?.IsAuthenticated != true)
        {
            return RecoveryPath.RequestNew;
        }
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, visitor) is not { } user)
        {
            return RecoveryPath.RequestNew;
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var open = await db.Requests.AsNoTracking()
            .Where(r => r.RequesterId == user.Id).Where(MyRequests.OpenAt(now))
            .OrderByDescending(r => r.State == RequestState.Approved).ThenByDescending(r => r.SubmittedAt)
            .Select(r => new { r.Id, r.State, r.PickupDeadline, r.SubmittedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (open is { State: RequestState.Approved })
        {
            return new RecoveryPath(open.Id, open.PickupDeadline, null, null);
        }
        if (open is not null)
        {
            return new RecoveryPath(null, null, open.SubmittedAt, null);
        }
        // Only the user's own, unrevoked certificate can be renewed (MyRequests.NotRenewable); an expired one can.
        // The DER must match too: a forged certificate may copy a real serial.
        var serial = presented is not null && SerialNumber.TryCanonicalize(presented.SerialNumber, out var canonical) ? canonical : null;
        var recorded = serial is null ? null : await db.Certificates.AsNoTracking()
            .Where(c => c.SerialNumber == serial && c.UserId == user.Id && c.State == IssuanceState.Issued && c.RevokedAt == null)
            .Select(c => c.Certificate).FirstOrDefaultAsync(cancellationToken);
        var renewable = recorded is not null && recorded.AsSpan().SequenceEqual(presented!.RawData);
        var held = await db.Certificates.AsNoTracking()
            .Where(c => c.UserId == user.Id && c.State == IssuanceState.Issued && c.RevokedAt == null && c.NotBefore <= now && c.NotAfter > now
                        && c.SerialNumber != serial)
            .OrderByDescending(c => c.NotAfter).Select(c => new { c.SerialNumber, c.NotAfter }).FirstOrDefaultAsync(cancellationToken);
        return new RecoveryPath(null, null, null, renewable ? serial : null) { HeldSerial = held?.SerialNumber, HeldUntil = held?.NotAfter };
    }
}
