using System.CommandLine;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.CommandLine;

/// <summary><c>requests approve</c>.</summary>
internal static class RequestVerbs
{
    public static Command Create() => new("requests", "Certificate requests.") { Approve() };

    /// <summary>
    /// The operator approves a pending request: the way through for the first administrator, whose
    /// own request no approver in the portal may decide while they are the only one.
    /// </summary>
    private static Command Approve()
    {
        var email = new Option<string>("--email") { Description = "The requester's e-mail address", Required = true };
        var comment = new Option<string?>("--comment") { Description = "A comment the requester reads" };
        var command = new Command("approve", "Approve the pending request of a user (the first administrator's own, for example).") { email, comment };
        command.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            var address = parsed.GetRequiredValue(email).Trim();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
            var pending = await db.Requests.AsNoTracking()
                .Where(r => r.State == RequestState.Pending && r.Requester!.NormalizedEmail == address.ToUpperInvariant())
                .OrderBy(r => r.SubmittedAt).Select(r => new { r.Id, r.Profile }).ToListAsync();
            if (pending.Count == 0)
            {
                return await AdminCommandLine.FailAsync(error, $"{address} has no pending request; they submit one on the portal's request page first.");
            }
            var queue = services.GetRequiredService<ApprovalQueue>();
            foreach (var request in pending)
            {
                if (await queue.ApproveAsOperatorAsync(request.Id, AdminCommandLine.Actor, parsed.GetValue(comment)) is { } refusal)
                {
                    return await AdminCommandLine.FailAsync(error, refusal.Message);
                }
                await output.WriteLineAsync($"Approved request {request.Id} ({request.Profile}) of {address}; it can be picked up on the portal now.");
            }
            return 0;
        }, host => host.Services.AddRequests(host.Configuration).AddApprovals()));
        return command;
    }
}
