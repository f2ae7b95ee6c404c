using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Enrollment.Testing.Races;

/// <summary>What a race campaign saw: rounds run, and every round that broke its rule.</summary>
public sealed record RaceReport(string Name, int Rounds, IReadOnlyList<string> Violations, TimeSpan Elapsed)
{
    public override string ToString() => $"{Name}: rounds={Rounds} violations={Violations.Count} seconds={Elapsed.TotalSeconds:F1}";
}

/// <summary>
/// Ten actors at once on one request, many rounds, through the portal's own services (the same
/// calls the pages make, authorization and gate included), spread over the nodes given (several
/// portals on one database):
/// decisions (approvals, rejections and the requester's cancellations) must leave exactly one
/// outcome with one audit row; pickups (browser, CSR and server-made, mixed) at most one certificate.
/// </summary>
public static class RaceCampaign
{
    private const int ActorsPerRound = 10;

    public static Task<RaceReport> DecisionsAsync(IServiceProvider services, int rounds) => DecisionsAsync([services], rounds);

    public static Task<RaceReport> PickupsAsync(IServiceProvider services, int rounds) => PickupsAsync([services], rounds);

    /// <summary>Actor N acts on node N modulo the number of nodes; the records are read on the first.</summary>
    public static async Task<RaceReport> DecisionsAsync(IServiceProvider[] nodes, int rounds)
    {
        var services = nodes[0];
        var approvers = await Task.WhenAll(Enumerable.Range(0, 7).Select(_ => ApproverAsync(services)));
        var watch = Stopwatch.StartNew();
        var violations = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            var (requester, id) = await PendingRequestAsync(services);
            using var start = new Barrier(ActorsPerRound);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, ActorsPerRound).Select(actor => Task.Run(async () =>
            {
                start.SignalAndWait();
                return actor switch
                {
                    < 4 => await NodeOf(actor).GetRequiredService<ApprovalQueue>().ApproveAsync(approvers[actor].Principal, approvers[actor].Connection, id, "race"),
                    < 7 => await NodeOf(actor).GetRequiredService<ApprovalQueue>().RejectAsync(approvers[actor].Principal, approvers[actor].Connection, id, "race"),
                    _ => await NodeOf(actor).GetRequiredService<MyRequests>().CancelAsync(requester, id, "127.0.0.1"),
                };
            })));
            var winners = outcomes.Count(refusal => refusal is null);
            var (state, events) = await StoredAsync(services, id, ["request.approved", "request.rejected", "request.cancelled"]);
            if (winners != 1 || events != 1 || state == RequestState.Pending)
            {
                violations.Add($"round {round}: {winners} winners, {events} decision events, state {state}");
            }
        }
        return new RaceReport("decisions", rounds, violations, watch.Elapsed);

        IServiceProvider NodeOf(int actor) => nodes[actor % nodes.Length];
    }

    /// <summary>Actor N picks up on node N modulo the number of nodes; the records are read on the first.</summary>
    public static async Task<RaceReport> PickupsAsync(IServiceProvider[] nodes, int rounds)
    {
        var services = nodes[0];
        var approver = await ApproverAsync(services);
        var watch = Stopwatch.StartNew();
        var violations = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            var (requester, id) = await PendingRequestAsync(services);
            if (await services.GetRequiredService<ApprovalQueue>().ApproveAsync(approver.Principal, approver.Connection, id, "ok") is { } refused)
            {
                throw new InvalidOperationException($"approval refused: {refused.Message}");
            }
            using var start = new Barrier(ActorsPerRound);
            var successes = await Task.WhenAll(Enumerable.Range(0, ActorsPerRound).Select(actor => Task.Run(async () =>
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var csr = new CertificateRequest("CN=race", key, HashAlgorithmName.SHA256).CreateSigningRequest();
                start.SignalAndWait();
                var pickup = nodes[actor % nodes.Length].GetRequiredService<Pickup>();
                return (actor % 3) switch
                {
                    0 => (await pickup.IssueFromCsrAsync(requester, id, csr, PickupMethod.Browser, null)).Refusal is null,
                    1 => (await pickup.IssueFromCsrAsync(requester, id, csr, PickupMethod.Csr, null)).Refusal is null,
                    _ => (await pickup.IssueServerPkcs12Async(requester, id, Ca.Packaging.ServerKeyType.EcdsaP256, "race password long", null)).Refusal is null,
                };
            })));
            var certificates = await CertificatesOfAsync(services, id);
            var (state, _) = await StoredAsync(services, id, []);
            if (successes.Count(s => s) != 1 || certificates != 1 || state != RequestState.Issued)
            {
                violations.Add($"round {round}: {successes.Count(s => s)} pickups succeeded, {certificates} certificates, state {state}");
            }
        }
        return new RaceReport("pickups", rounds, violations, watch.Elapsed);
    }

    private static async Task<(ClaimsPrincipal Principal, ConnectionCertificate Connection)> ApproverAsync(IServiceProvider services)
    {
        var user = await NewUserAsync(services, "race-approver", Roles.Approver);
        return (await Actors.PrincipalOfAsync(services, user), await Actors.CertifiedConnectionAsync(services, user));
    }

    private static async Task<(ClaimsPrincipal Requester, Guid Id)> PendingRequestAsync(IServiceProvider services)
    {
        var requester = await Actors.PrincipalOfAsync(services, await NewUserAsync(services, "race-requester", null));
        var (id, refusal) = await services.GetRequiredService<MyRequests>().SubmitAsync(requester, "privileged-access", "Race campaign for the reliability figures.", "127.0.0.1");
        return (requester, id ?? throw new InvalidOperationException($"submit refused: {refusal?.Message}"));
    }

    private static async Task<EnrollmentUser> NewUserAsync(IServiceProvider services, string prefix, string? role)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var email = $"{prefix}-{Guid.NewGuid():N}@example.com";
        var user = new EnrollmentUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = prefix, EmployeeId = "RC-" + Guid.NewGuid().ToString("N")[..10],
            CreatedAt = DateTime.UtcNow, TwoFactorEnabled = role is not null,
        };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join(", ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRolesAsync(user, role is null ? [Roles.Requester] : [Roles.Requester, role]);
        return user;
    }

    private static async Task<(RequestState State, int Events)> StoredAsync(IServiceProvider services, Guid id, string[] eventTypes)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var target = id.ToString();
        var state = await db.Requests.Where(r => r.Id == id).Select(r => r.State).SingleAsync();
        var events = await db.AuditEvents.CountAsync(e => e.Target == target && eventTypes.Contains(e.EventType));
        return (state, events);
    }

    private static async Task<int> CertificatesOfAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.CountAsync(c => c.RequestId == id);
    }
}
