using System.Security.Claims;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Home;

/// <summary>The signed-in person's own certificates and requests, as far as they call for something now.</summary>
public sealed record EmployeeAgenda(
    Enrollment.Ca.Refusal? CannotRequest,
    int Pending, DateTime? PendingSince,
    Guid? PickupId, DateTime? PickupBefore, int ToPickUp,
    string? ValidSerial, DateTime? ValidUntil,
    bool NoOtherApprover = false);

/// <summary>What waits for an approver: requests of others, and since when the oldest waits.</summary>
public sealed record ApproverAgenda(int Waiting, DateTime? OldestSince);

/// <summary>What an approver or administrator must have before the privileged pages open.</summary>
public sealed record SetupChecklist(bool PasswordChosen, bool SecondFactor, bool EmployeeId, bool Certificate)
{
    public bool Complete => PasswordChosen && SecondFactor && EmployeeId && Certificate;
}

public sealed record Agenda(EmployeeAgenda Employee, ApproverAgenda? Approver, SetupChecklist? Checklist);

/// <summary>
/// The home page's "what needs doing now" for one person: read-only, from the database, in one scope.
/// Each role sees its part; nothing here grants anything, every page it links to checks again.
/// </summary>
public sealed class HomeAgenda(IServiceScopeFactory scopes, MyRequests requests, TimeProvider time)
{
    /// <summary>A certificate ending within this many days is announced on the home page.</summary>
    public const int ExpiryNoticeDays = 30;

    public async Task<Agenda?> ForAsync(ClaimsPrincipal person)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, person) is not { } user)
        {
            return null;
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var own = db.Requests.AsNoTracking().Where(r => r.RequesterId == user.Id);
        var pending = await own.Where(r => r.State == RequestState.Pending)
            .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Since = g.Min(r => r.SubmittedAt) }).FirstOrDefaultAsync();
        var pickups = await own.Where(r => r.State == RequestState.Approved && r.PickupDeadline > now)
            .OrderBy(r => r.PickupDeadline).Select(r => new { r.Id, r.PickupDeadline }).ToListAsync();
        var valid = await db.Certificates.AsNoTracking()
            .Where(c => c.UserId == user.Id && c.State == IssuanceState.Issued && c.RevokedAt == null && c.NotBefore <= now && c.NotAfter > now)
            .OrderByDescending(c => c.NotAfter).Select(c => new { c.SerialNumber, c.NotAfter }).FirstOrDefaultAsync();
        // Nobody but the requester could decide the request: the first administrator's own, on a new portal.
        var noOtherApprover = pending is not null && !(await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>()
            .GetUsersInRoleAsync(Roles.Approver)).Any(a => a.Id != user.Id && !a.Disabled);
        var employee = new EmployeeAgenda(
            await requests.AccountRefusalAsync(person),
            pending?.Count ?? 0, pending?.Since,
            pickups.FirstOrDefault()?.Id, pickups.FirstOrDefault()?.PickupDeadline, pickups.Count,
            valid?.SerialNumber, valid?.NotAfter, noOtherApprover);

        ApproverAgenda? approver = null;
        if (person.IsInRole(Roles.Approver))
        {
            var others = db.Requests.AsNoTracking().Where(r => r.State == RequestState.Pending && r.RequesterId != user.Id);
            approver = new ApproverAgenda(await others.CountAsync(), await others.MinAsync(r => (DateTime?)r.SubmittedAt));
        }
        var checklist = person.IsInRole(Roles.Approver) || person.IsInRole(Roles.Admin)
            ? new SetupChecklist(!user.MustChangePassword, user.TwoFactorEnabled || person.HasSecondFactor(),
                !string.IsNullOrWhiteSpace(user.EmployeeId), valid is not null)
            : null;
        return new Agenda(employee, approver, checklist);
    }
}
