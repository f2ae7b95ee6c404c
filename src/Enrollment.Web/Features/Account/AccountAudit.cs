using System.Security.Claims;
using Enrollment.Data;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Account;

/// <summary>Writes account events (sign-in, 2FA, password) to the audit chain with the caller's address.</summary>
public sealed class AccountAudit(IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit)
{
    public async Task RecordAsync(HttpContext context, string actor, string eventType, string? target, string details = "")
    {
        await using var db = await factory.CreateDbContextAsync();
        await audit.AppendAsync(db, new AuditEntry(actor, eventType, target, details, context.Connection.RemoteIpAddress?.ToString()));
    }

    public Task RecordAsync(HttpContext context, ClaimsPrincipal user, string eventType, string details = "") =>
        RecordAsync(context, user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "unknown", eventType,
            user.FindFirstValue(ClaimTypes.NameIdentifier), details);
}
