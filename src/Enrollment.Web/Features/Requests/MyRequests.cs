using System.Linq.Expressions;
using System.Security.Claims;
using Enrollment.Ca;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Requests;

/// <summary>A request as its requester sees it, with the history of its decision and pickup.</summary>
public sealed record MyRequestRow(
    Guid Id, string Profile, string Justification, RequestState State, DateTime SubmittedAt,
    string? DeciderName, DateTime? DecidedAt, string? DecisionComment, DateTime? PickupDeadline, DateTime? ClosedAt,
    string? PickupMethod, string? CertificateSerial);

/// <summary>
/// The requester's side of the flow: submit, list and cancel (docs/design.md, "Flow" steps 2 and 3).
/// Every call loads the acting user from the database in its own scope, so a circuit's parallel
/// calls never share a DbContext and a disabled account stops at once.
/// </summary>
public sealed class MyRequests(
    IServiceScopeFactory scopes, CertificateProfiles profiles, RequestEvents events, RequestMail mail, AuditTrail audit, TimeProvider time)
{
    public const int JustificationMinLength = 10;
    public const int JustificationMaxLength = 1000;

    public static readonly Refusal NoEmployeeId = new("request.no-employee-id",
        "Your account has no employee ID, which every certificate carries; ask an administrator to add it, then request again.");
    public static readonly Refusal UnknownProfile = new("request.profile", "Choose one of the offered certificate profiles.");
    public static readonly Refusal JustificationLength = new("request.justification",
        $"Explain in {JustificationMinLength} to {JustificationMaxLength} characters why you need the certificate.");
    public static readonly Refusal AlreadyOpen = new("request.duplicate",
        "You already have an open request for this profile; cancel it or pick it up first.");
    public static readonly Refusal NotCancellable = new("request.not-cancellable", "Only a pending request of your own can be cancelled.");
    public static readonly Refusal SignedOut = new("auth.signed-out", "Your session has ended; sign in again.");
    public static readonly Refusal NameFromProvider = new("request.name-from-provider",
        "Your organisation's sign-in gives your name in a form a certificate cannot carry; ask your identity administrator to change your display name there (for example J. Smith instead of j.smith). The portal takes it at your next sign-in.");
    public static readonly Refusal NotRenewable = new("request.renewal", "Only a certificate of your own that is not revoked can be renewed.");

    /// <summary>
    /// Why the signed-in account cannot request a certificate at all (no employee ID, a name a
    /// certificate cannot carry), so the page says it before anything is typed; null when it can.
    /// </summary>
    public async Task<Refusal?> AccountRefusalAsync(ClaimsPrincipal actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await ActiveUserAsync(scope, actor) is { } user ? await AccountRefusalAsync(scope, user) : SignedOut;
    }

    private static async Task<Refusal?> AccountRefusalAsync(AsyncServiceScope scope, EnrollmentUser user)
    {
        if (string.IsNullOrWhiteSpace(user.EmployeeId))
        {
            return NoEmployeeId;
        }
        if (scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user).Validate() is not { } subjectRefusal)
        {
            return null;
        }
        // The provider owns the name of an account signed in through it: only its administrator can mend it.
        var nameFromProvider = subjectRefusal.Code.StartsWith("subject.display-name", StringComparison.Ordinal)
            && (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().GetLoginsAsync(user)).Count > 0;
        return nameFromProvider ? NameFromProvider : subjectRefusal;
    }

    public async Task<(Guid? Id, Refusal? Refusal)> SubmitAsync(
        ClaimsPrincipal actor, string profileName, string? justification, string? address, string? renewalOf = null)
    {
        var text = justification?.Trim() ?? string.Empty;
        if (profiles.Find(profileName) is not { } profile)
        {
            return (null, UnknownProfile);
        }
        if (text.Length is < JustificationMinLength or > JustificationMaxLength)
        {
            return (null, JustificationLength);
        }
        await using var scope = scopes.CreateAsyncScope();
        if (await ActiveUserAsync(scope, actor) is not { } user)
        {
            return (null, SignedOut);
        }
        if (await AccountRefusalAsync(scope, user) is { } accountRefusal)
        {
            return (null, accountRefusal);
        }
        // The subject is fixed now, from data the requester cannot edit into anything unsafe; the approver sees it.
        var subject = scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        if (renewalOf is not null)
        {
            renewalOf = Ca.Serials.SerialNumber.TryCanonicalize(renewalOf, out var serial) ? serial : string.Empty;
            if (!await db.Certificates.AnyAsync(c => c.SerialNumber == renewalOf && c.UserId == user.Id && c.State == IssuanceState.Issued && c.RevokedAt == null))
            {
                return (null, NotRenewable);
            }
        }
        var request = new EnrollmentRequest
        {
            Id = Guid.NewGuid(), RequesterId = user.Id, Profile = profile.Name, Justification = text,
            State = RequestState.Pending, SubmittedAt = now, RenewalOf = renewalOf, Subject = CertificateIssuer.Snapshot(subject),
        };
        // The duplicate check and the insert are one step under the requester's writer lock, so a double click submits once.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await WriterLocks.AcquireAsync(db.Database, WriterLocks.RequestsOf(user.Id), CancellationToken.None);
            // A closed pickup window frees the profile: the unique index counts approvals until they lapse.
            await LapseAsync(db, user.Id, now);
            if (await db.Requests.Where(OpenAt(now)).AnyAsync(r => r.RequesterId == user.Id && r.Profile == profile.Name))
            {
                return (null, AlreadyOpen);
            }
            db.Requests.Add(request);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e))
            {
                // The database's own guard (IX_EnrollmentRequests_OneOpenPerProfile), should the lock ever be bypassed.
                return (null, AlreadyOpen);
            }
            await audit.AppendAsync(db, new AuditEntry(user.Email!, "request.submitted", request.Id.ToString(),
                $"profile={profile.Name}" + (renewalOf is null ? string.Empty : $" renews={renewalOf}"), address));
            await transaction.CommitAsync();
        }
        events.Publish(new RequestChange(request.Id, user.Id, request.State));
        await NotifyApproversAsync(scope, mail, user, request);
        return (request.Id, null);
    }

    /// <summary>Mails every active approver but the requester about a request waiting for a decision.</summary>
    internal static async Task NotifyApproversAsync(AsyncServiceScope scope, RequestMail mail, EnrollmentUser requester, EnrollmentRequest request)
    {
        var approvers = await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().GetUsersInRoleAsync(Roles.Approver);
        await mail.NewRequestAsync(approvers.Where(a => a.Id != requester.Id && !a.Disabled && a.EmailConfirmed).Select(a => a.Email!), requester, request);
    }

    public async Task<(IReadOnlyList<MyRequestRow> Rows, int Total)> ListAsync(ClaimsPrincipal actor, int skip, int take)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await ActiveUserAsync(scope, actor) is not { } user)
        {
            return ([], 0);
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        await LapseAsync(db, user.Id, time.GetUtcNow().UtcDateTime);
        var query = db.Requests.AsNoTracking().Where(r => r.RequesterId == user.Id);
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(r => r.SubmittedAt).Skip(skip).Take(Math.Clamp(take, 1, 100))
            .Select(r => new MyRequestRow(r.Id, r.Profile, r.Justification, r.State, r.SubmittedAt, r.DeciderName, r.DecidedAt,
                r.DecisionComment, r.PickupDeadline, r.ClosedAt, r.PickupMethod, r.CertificateSerial))
            .ToListAsync();
        return (rows, total);
    }

    public async Task<Refusal?> CancelAsync(ClaimsPrincipal actor, Guid id, string? address)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await ActiveUserAsync(scope, actor) is not { } user)
        {
            return SignedOut;
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var changed = await db.Requests.Where(r => r.Id == id && r.RequesterId == user.Id && r.State == RequestState.Pending)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RequestState.Cancelled).SetProperty(r => r.ClosedAt, now));
            if (changed == 0)
            {
                return NotCancellable;
            }
            await audit.AppendAsync(db, new AuditEntry(user.Email!, "request.cancelled", id.ToString(), "by requester", address));
            await transaction.CommitAsync();
        }
        events.Publish(new RequestChange(id, user.Id, RequestState.Cancelled));
        return null;
    }

    /// <summary>A request still in play: pending, or approved with its pickup window open.</summary>
    internal static Expression<Func<EnrollmentRequest, bool>> OpenAt(DateTime now) =>
        r => r.State == RequestState.Pending || (r.State == RequestState.Approved && r.PickupDeadline > now);

    /// <summary>Approvals whose pickup window has passed become Lapsed.</summary>
    internal static Task<int> LapseAsync(EnrollmentDbContext db, string userId, DateTime now) =>
        db.Requests.Where(r => r.RequesterId == userId && r.State == RequestState.Approved && r.PickupDeadline <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RequestState.Lapsed).SetProperty(r => r.ClosedAt, r => r.PickupDeadline));

    internal static async Task<EnrollmentUser?> ActiveUserAsync(AsyncServiceScope scope, ClaimsPrincipal actor) =>
        await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().GetUserAsync(actor) is { Disabled: false } user ? user : null;
}
