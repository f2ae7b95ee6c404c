using System.Security.Claims;
using Enrollment.Data;
using Enrollment.Web.Features.Gate;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Admin.Audit;

/// <summary>One audit event as the admin page lists it.</summary>
public sealed record AuditRow(long Id, DateTime OccurredAt, string Actor, string? Address, string EventType, string? Target, string Details)
{
    /// <summary>The people and requests that the row's ids stand for, so the page can name them; ids that resolve to nothing are absent.</summary>
    public IReadOnlyDictionary<string, AuditName> Names { get; init; } = new Dictionary<string, AuditName>();

    public AuditName? NameOf(string? id) => id is not null && Names.TryGetValue(id, out var name) ? name : null;
}

/// <summary>What the admin filters by; empty parts match everything.</summary>
public sealed record AuditFilter(string? Actor = null, string? EventType = null, string? Target = null, DateTime? From = null, DateTime? To = null);

/// <summary>
/// Reading the audit chain for administrators: filtered, newest first, server-paged, and the hash
/// chain verified on demand. Each call authorizes again and runs in its own scope.
/// </summary>
public sealed class AuditLog(IServiceScopeFactory scopes)
{
    public async Task<(IReadOnlyList<AuditRow> Rows, int Total)> ListAsync(
        ClaimsPrincipal actor, ConnectionCertificate connection, AuditFilter filter, int skip, int take)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            // UPPER on both sides: LIKE ignores case in SQLite but not in PostgreSQL.
            query = query.Where(e => EF.Functions.Like(e.Actor.ToUpper(), Anywhere(filter.Actor), Escape));
        }
        if (!string.IsNullOrWhiteSpace(filter.EventType))
        {
            query = query.Where(e => e.EventType.StartsWith(filter.EventType.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(filter.Target))
        {
            query = query.Where(e => e.Target != null && EF.Functions.Like(e.Target.ToUpper(), Anywhere(filter.Target), Escape));
        }
        if (filter.From is { } from)
        {
            query = query.Where(e => e.OccurredAt >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(e => e.OccurredAt < to);
        }
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(e => e.Id).Skip(skip).Take(Math.Clamp(take, 1, 100))
            .Select(e => new AuditRow(e.Id, e.OccurredAt, e.Actor, e.Address, e.EventType, e.Target, e.Details))
            .ToListAsync();
        var names = await NamesAsync(db, rows);
        return (rows.ConvertAll(row => row with { Names = names }), total);
    }

    /// <summary>
    /// The users and requests named by id in the rows' targets and detail fields (a user id, a
    /// request id, "requester=…"), looked up once for the whole page.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, AuditName>> NamesAsync(EnrollmentDbContext db, List<AuditRow> rows)
    {
        var ids = rows.Select(r => r.Target)
            .Concat(rows.SelectMany(r => AuditDetails.Fields(r.Details) ?? []).Select(f => f.Value))
            .Where(id => Guid.TryParse(id, out _)).Select(id => id!).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<string, AuditName>();
        }
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync();
        var requestIds = ids.Select(Guid.Parse).ToList();
        var requests = await db.Requests.AsNoTracking().Where(r => requestIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Requester!.DisplayName, r.Requester.Email }).ToListAsync();
        var names = users.ToDictionary(u => u.Id, u => new AuditName(AuditNameKind.User, u.DisplayName, u.Email));
        foreach (var request in requests)
        {
            names[request.Id.ToString()] = new AuditName(AuditNameKind.Request, request.DisplayName, request.Email);
        }
        return names;
    }

    /// <summary>The chain, then the chain against its signed checkpoint outside the database. The check itself is audited.</summary>
    public async Task<AuditVerification> VerifyAsync(ClaimsPrincipal actor, ConnectionCertificate connection)
    {
        await using var scope = scopes.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<PrivilegedAuthorization>().DemandAdminAsync(actor, connection);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var verification = await scope.ServiceProvider.GetRequiredService<AuditAnchor>().VerifyAsync(db);
        await scope.ServiceProvider.GetRequiredService<AuditTrail>().AppendAsync(db,
            new AuditEntry(admin.Email!, "audit.verified", verification.RowId?.ToString(), verification.Message, connection.Address));
        return verification;
    }

    private const string Escape = "\\";

    /// <summary>
    /// A LIKE pattern for "contains", with the text's own wildcards escaped. SQLite's LIKE ignores
    /// ASCII case, so a reference code or serial read out over the phone in lower case still matches.
    /// </summary>
    /// <summary>A LIKE pattern that finds the text anywhere, upper-cased, its wildcards taken literally.</summary>
    private static string Anywhere(string text) =>
        "%" + text.Trim().ToUpperInvariant().Replace(Escape, Escape + Escape).Replace("%", Escape + "%").Replace("_", Escape + "_") + "%";
}
