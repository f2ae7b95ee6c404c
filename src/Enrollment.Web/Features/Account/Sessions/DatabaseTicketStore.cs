using System.Data.Common;
using System.Security.Claims;
using System.Security.Cryptography;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account.Sessions;

/// <summary>
/// Sign-in tickets kept on the server (the cookie carries only a session id): signing out deletes the
/// row, so a cookie copied before sign-out no longer signs anybody in, and every session ends at its
/// absolute lifetime whatever its activity (docs/pitfalls.md, "Sign-out").
/// </summary>
public sealed class DatabaseTicketStore(
    IDbContextFactory<EnrollmentDbContext> factory, IDataProtectionProvider protection, IOptions<SessionLifetimeOptions> options, TimeProvider time,
    IHttpContextAccessor requests)
    : ITicketStore
{
    /// <summary>The claim naming the session, so an open page's revalidation can check it still exists.</summary>
    public const string SessionClaim = "enrollment:session";

    private readonly IDataProtector protector = protection.CreateProtector("Enrollment.Sessions.v1");

    public static string NewSessionId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var id = ticket.Principal.FindFirstValue(SessionClaim) ?? NewSessionId();
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty;
        await using var db = await factory.CreateDbContextAsync();
        // The user's ended sessions go when a new one starts: the table holds live sessions only.
        await db.Sessions.Where(s => s.UserId == userId && (s.ExpiresAt < now || s.CreatedAt < now - options.Value.AbsoluteLifetime))
            .ExecuteDeleteAsync();
        db.Sessions.Add(new UserSession { Id = id, UserId = userId, CreatedAt = now, ExpiresAt = ExpiryOf(ticket, now), Ticket = Seal(ticket) });
        await db.SaveChangesAsync();
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var userId = ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? string.Empty;
        await using var db = await factory.CreateDbContextAsync();
        var renewed = await db.Sessions.Where(s => s.Id == key && s.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Ticket, Seal(ticket)).SetProperty(x => x.ExpiresAt, ExpiryOf(ticket, now)));
        if (renewed == 0)
        {
            // Another user signing in over this session (a planted cookie): the session ends instead of
            // passing to them, so whoever planted it holds nothing. The next request signs in afresh.
            await db.Sessions.Where(s => s.Id == key).ExecuteDeleteAsync();
        }
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync();
            var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == key);
            return session is not null && IsLive(session, time.GetUtcNow().UtcDateTime, options.Value)
                ? TicketSerializer.Default.Deserialize(protector.Unprotect(session.Ticket))
                : null;
        }
        catch (DbException) when (requests.HttpContext?.Features.Get<IExceptionHandlerFeature>() is not null)
        {
            // The error page shown because the database failed: it renders for an anonymous visitor
            // rather than failing the same way again.
            return null;
        }
    }

    public async Task RemoveAsync(string key)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Sessions.Where(s => s.Id == key).ExecuteDeleteAsync();
    }

    /// <summary>
    /// For an open page: the session still exists (not signed out) and is inside its absolute
    /// lifetime. The idle timeout is not applied here: a connected page is activity.
    /// </summary>
    public async Task<bool> IsOpenAsync(string? key, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return false;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var createdAt = await db.Sessions.Where(s => s.Id == key).Select(s => (DateTime?)s.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return createdAt + options.Value.AbsoluteLifetime > time.GetUtcNow().UtcDateTime;
    }

    private static bool IsLive(UserSession session, DateTime now, SessionLifetimeOptions options) =>
        session.ExpiresAt > now && session.CreatedAt + options.AbsoluteLifetime > now;

    private DateTime ExpiryOf(AuthenticationTicket ticket, DateTime now) =>
        ticket.Properties.ExpiresUtc?.UtcDateTime ?? now + options.Value.IdleTimeout;

    private byte[] Seal(AuthenticationTicket ticket) => protector.Protect(TicketSerializer.Default.Serialize(ticket));
}
