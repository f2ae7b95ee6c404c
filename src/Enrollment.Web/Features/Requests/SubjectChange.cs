using Enrollment.Ca;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Requests;

/// <summary>
/// An approved request whose requester's record changed since submission (display name, employee id,
/// e-mail, UPN) is not picked up with data the approver never saw: it goes back to the approvers
/// with the new subject, and the change is audited (docs/pitfalls.md, "Certificate subject").
/// </summary>
internal static class SubjectChange
{
    public static readonly Refusal BackToApprovers = new("pickup.subject-changed",
        "Your name or IDs changed after this request was approved, so it has gone back to the approvers with the new details. Pick it up once it is approved again.");

    /// <summary>Approved to Pending with the new subject, in one transaction with its audit row.</summary>
    public static async Task ReturnToApproversAsync(
        AsyncServiceScope scope, EnrollmentDbContext db, AuditTrail audit, RequestEvents events, RequestMail mail,
        EnrollmentUser user, EnrollmentRequest request, RequestSubject current, string? address)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var returned = await db.Requests.Where(r => r.Id == request.Id && r.State == RequestState.Approved)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RequestState.Pending)
                    .SetProperty(r => r.DeciderId, (string?)null).SetProperty(r => r.DeciderName, (string?)null)
                    .SetProperty(r => r.DecidedAt, (DateTime?)null).SetProperty(r => r.DecisionComment, (string?)null)
                    .SetProperty(r => r.PickupDeadline, (DateTime?)null)
                    .SetProperty(r => r.SubjectCommonName, current.CommonName).SetProperty(r => r.SubjectOrganization, current.Organization)
                    .SetProperty(r => r.SubjectEmployeeId, current.EmployeeId).SetProperty(r => r.SubjectEmail, current.Email)
                    .SetProperty(r => r.SubjectUpn, current.Upn));
            if (returned == 0)
            {
                return;
            }
            await audit.AppendAsync(db, new AuditEntry(user.Email!, "request.subject-changed", request.Id.ToString(),
                $"approved: {request.Subject}; now: {current}", address));
            await transaction.CommitAsync();
        }
        events.Publish(new RequestChange(request.Id, user.Id, RequestState.Pending));
        request.Subject = current;
        await MyRequests.NotifyApproversAsync(scope, mail, user, request);
    }
}
