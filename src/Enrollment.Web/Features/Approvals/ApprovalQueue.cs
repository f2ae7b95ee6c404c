using System.Security.Claims;
using Enrollment.Ca;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Approvals;

/// <summary>A pending request as approvers see it.</summary>
public sealed record QueueRow(
    Guid Id, string RequesterId, string RequesterName, string RequesterEmail, string? EmployeeId, string Profile, string Justification, DateTime SubmittedAt,
    RequestSubject? Subject = null);

/// <summary>What the approver filters and sorts by; sort names are the <see cref="QueueRow"/> properties.</summary>
public sealed record QueueQuery(string? Requester = null, string? Profile = null, int? MinimumAgeDays = null, string? SortBy = null, bool Descending = false);

/// <summary>
/// The approver queue (docs/design.md, "Flow" step 3). Every call demands the Approver role, two-factor
/// and a verified own certificate on the connection. A decision is a conditional update from
/// Pending, so of two approvers acting at once exactly one decides and the other is told; an
/// approver never decides their own request.
/// </summary>
public sealed class ApprovalQueue(
    IServiceScopeFactory scopes, RequestEvents events, RequestMail mail, AuditTrail audit, IOptions<RequestOptions> options, TimeProvider time)
{
    public const int CommentMaxLength = 1000;

    public static readonly Refusal NotFound = new("decision.not-found", "The request no longer exists.");
    public static readonly Refusal OwnRequest = new("decision.own-request", "You cannot decide your own request; another approver must.");
    public static readonly Refusal AlreadyDecided = new("decision.already",
        "This request is no longer pending: another approver decided it or the requester cancelled it.");
    public static readonly Refusal CommentRequired = new("decision.comment-required", "Say why you reject the request; the requester reads this comment.");
    public static readonly Refusal CommentTooLong = new("decision.comment-length", $"A comment may be at most {CommentMaxLength} characters.");

    public async Task<(IReadOnlyList<QueueRow> Rows, int Total)> ListAsync(
        ClaimsPrincipal actor, ConnectionCertificate connection, QueueQuery query, int skip, int take)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAsync(actor, connection, Roles.Approver);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var pending = db.Requests.AsNoTracking().Where(r => r.State == RequestState.Pending);
        if (!string.IsNullOrWhiteSpace(query.Requester))
        {
            var term = query.Requester.Trim().ToUpperInvariant();
            pending = pending.Where(r => r.Requester!.NormalizedEmail!.Contains(term) || r.Requester.DisplayName.ToUpper().Contains(term)
                                         || (r.Requester.EmployeeId != null && r.Requester.EmployeeId.ToUpper() == term));
        }
        if (!string.IsNullOrEmpty(query.Profile))
        {
            pending = pending.Where(r => r.Profile == query.Profile);
        }
        if (query.MinimumAgeDays is > 0 and var days)
        {
            var before = time.GetUtcNow().UtcDateTime.AddDays(-days);
            pending = pending.Where(r => r.SubmittedAt <= before);
        }
        var total = await pending.CountAsync();
        var rows = await Sort(pending, query).Skip(skip).Take(Math.Clamp(take, 1, 100))
            .Select(r => new QueueRow(r.Id, r.RequesterId, r.Requester!.DisplayName, r.Requester.Email!, r.Requester.EmployeeId, r.Profile, r.Justification, r.SubmittedAt,
                r.SubjectCommonName == null ? null
                    : new RequestSubject(r.SubjectCommonName, r.SubjectOrganization ?? "", r.SubjectEmployeeId ?? "", r.SubjectEmail ?? "", r.SubjectUpn ?? "")))
            .ToListAsync();
        return (rows, total);
    }

    public Task<Refusal?> ApproveAsync(ClaimsPrincipal actor, ConnectionCertificate connection, Guid id, string? comment) =>
        DecideAsync(actor, connection, id, RequestState.Approved, comment);

    public Task<Refusal?> RejectAsync(ClaimsPrincipal actor, ConnectionCertificate connection, Guid id, string? comment) =>
        DecideAsync(actor, connection, id, RequestState.Rejected, comment);

    private async Task<Refusal?> DecideAsync(ClaimsPrincipal actor, ConnectionCertificate connection, Guid id, RequestState decision, string? comment)
    {
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (decision == RequestState.Rejected && text is null)
        {
            return CommentRequired;
        }
        if (text?.Length > CommentMaxLength)
        {
            return CommentTooLong;
        }
        await using var scope = scopes.CreateAsyncScope();
        var approver = await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAsync(actor, connection, Roles.Approver);
        return await RecordAsync(scope, id, decision, text, new Decider(approver.Id, approver.DisplayName, approver.Email!, connection.Address));
    }

    /// <summary>
    /// Approval by the server's operator on the command line (<c>requests approve</c>), for a request no
    /// approver in the portal may decide: the first administrator's own, before any other approver exists.
    /// Whoever runs the portal's commands can issue certificates outright (<c>certs issue</c>), so this
    /// grants nothing new; it keeps the usual pickup, and the audit log names the operator.
    /// </summary>
    public async Task<Refusal?> ApproveAsOperatorAsync(Guid id, string operatorName, string? comment)
    {
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (text?.Length > CommentMaxLength)
        {
            return CommentTooLong;
        }
        await using var scope = scopes.CreateAsyncScope();
        return await RecordAsync(scope, id, RequestState.Approved, text, new Decider(null, operatorName, operatorName, null));
    }

    private sealed record Decider(string? Id, string Name, string AuditActor, string? Address);

    private async Task<Refusal?> RecordAsync(AsyncServiceScope scope, Guid id, RequestState decision, string? text, Decider decider)
    {
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        DateTime? deadline = decision == RequestState.Approved ? now.AddDays(options.Value.PickupWindowDays) : null;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var request = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id);
            if (request is null)
            {
                return NotFound;
            }
            if (request.RequesterId == decider.Id)
            {
                return OwnRequest;
            }
            var changed = await db.Requests.Where(r => r.Id == id && r.State == RequestState.Pending && r.RequesterId != decider.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, decision).SetProperty(r => r.DeciderId, decider.Id)
                    .SetProperty(r => r.DeciderName, decider.Name).SetProperty(r => r.DecidedAt, now)
                    .SetProperty(r => r.DecisionComment, text).SetProperty(r => r.PickupDeadline, deadline)
                    .SetProperty(r => r.ClosedAt, decision == RequestState.Rejected ? now : null));
            if (changed == 0)
            {
                return AlreadyDecided;
            }
            await audit.AppendAsync(db, new AuditEntry(decider.AuditActor, decision == RequestState.Approved ? "request.approved" : "request.rejected",
                id.ToString(), $"requester={request.RequesterId} comment={text}", decider.Address));
            await transaction.CommitAsync();
        }
        var decided = await db.Requests.AsNoTracking().Include(r => r.Requester).SingleAsync(r => r.Id == id);
        events.Publish(new RequestChange(id, decided.RequesterId, decision));
        await (decision == RequestState.Approved ? mail.ApprovedAsync(decided.Requester!, decided) : mail.RejectedAsync(decided.Requester!, decided));
        return null;
    }

    private static IQueryable<EnrollmentRequest> Sort(IQueryable<EnrollmentRequest> pending, QueueQuery query) => (query.SortBy, query.Descending) switch
    {
        (nameof(QueueRow.RequesterName), false) => pending.OrderBy(r => r.Requester!.DisplayName).ThenBy(r => r.SubmittedAt),
        (nameof(QueueRow.RequesterName), true) => pending.OrderByDescending(r => r.Requester!.DisplayName).ThenBy(r => r.SubmittedAt),
        (nameof(QueueRow.EmployeeId), false) => pending.OrderBy(r => r.Requester!.EmployeeId).ThenBy(r => r.SubmittedAt),
        (nameof(QueueRow.EmployeeId), true) => pending.OrderByDescending(r => r.Requester!.EmployeeId).ThenBy(r => r.SubmittedAt),
        (nameof(QueueRow.Profile), false) => pending.OrderBy(r => r.Profile).ThenBy(r => r.SubmittedAt),
        (nameof(QueueRow.Profile), true) => pending.OrderByDescending(r => r.Profile).ThenBy(r => r.SubmittedAt),
        // Age: the oldest request first by default; "descending age" is newest first.
        (_, true) => pending.OrderByDescending(r => r.SubmittedAt),
        _ => pending.OrderBy(r => r.SubmittedAt),
    };
}
