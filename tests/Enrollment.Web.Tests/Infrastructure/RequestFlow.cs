using System.Security.Claims;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>Requests as the portal's own services make them: a requester, a submitted request, an approval.</summary>
public static class RequestFlow
{
    public const string Justification = "Production database administration on call.";

    /// <summary>A new requester with a confirmed email and, unless told otherwise, an employee ID.</summary>
    public static async Task<(ClaimsPrincipal Principal, EnrollmentUser User)> RequesterAsync(RunningPortal portal, bool withEmployeeId = true)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var email = $"requester-{Guid.NewGuid():N}@example.com";
        var user = new EnrollmentUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Requester " + email[10..16], CreatedAt = DateTime.UtcNow,
            EmployeeId = withEmployeeId ? "RQ-" + Guid.NewGuid().ToString("N")[..8] : null,
        };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        await users.AddToRoleAsync(user, Roles.Requester);
        return (await PrincipalOfAsync(portal, user), user);
    }

    public static Task<ClaimsPrincipal> PrincipalOfAsync(RunningPortal portal, EnrollmentUser user) =>
        Testing.Actors.PrincipalOfAsync(portal.Services, user);

    public static async Task<Guid> SubmitAsync(RunningPortal portal, ClaimsPrincipal requester)
    {
        var (id, refusal) = await portal.Services.GetRequiredService<MyRequests>().SubmitAsync(requester, "privileged-access", Justification, "127.0.0.1");
        Assert.Null(refusal);
        return id!.Value;
    }

    /// <summary>The ids of the user's requests, oldest first.</summary>
    public static async Task<IReadOnlyList<Guid>> StoredRequestsOfAsync(RunningPortal portal, string userId)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Requests.AsNoTracking()
            .Where(r => r.RequesterId == userId).OrderBy(r => r.SubmittedAt).Select(r => r.Id).ToListAsync();
    }

    /// <summary>The request as stored now.</summary>
    public static async Task<EnrollmentRequest> StoredAsync(RunningPortal portal, Guid id)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Requests.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    /// <summary>An approved request of the requester's picked up with a CSR made here: a valid certificate of their own.</summary>
    public static async Task<PickedUp> PickedUpAsync(RunningPortal portal, ClaimsPrincipal requester, Testing.TemporaryDirectory files)
    {
        var (csr, _) = Testing.Csrs.Make(files, "picked-" + Guid.NewGuid().ToString("N")[..6], "P-256");
        var (certificate, refusal) = await portal.Services.GetRequiredService<Pickup>()
            .IssueFromCsrAsync(requester, await ApprovedRequestAsync(portal, requester), File.ReadAllBytes(csr), PickupMethod.Csr, null);
        Assert.Null(refusal);
        return certificate!;
    }

    /// <summary>Submits for the requester and has a new approver (two-factor, own certificate) approve it.</summary>
    public static async Task<Guid> ApprovedRequestAsync(RunningPortal portal, ClaimsPrincipal requester)
    {
        var id = await SubmitAsync(portal, requester);
        var (approver, connection) = await AdminSession.CreateAsync(portal, role: Roles.Approver);
        Assert.Null(await portal.Services.GetRequiredService<ApprovalQueue>().ApproveAsync(approver, connection, id, "ok"));
        return id;
    }
}
