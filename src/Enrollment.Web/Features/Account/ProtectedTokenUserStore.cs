using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// Identity's EF user store, except that authentication tokens (the TOTP secret, the recovery
/// codes) are sealed with Data Protection before they reach the database. Stock Identity keeps
/// both in clear in AspNetUserTokens, so a copy of the database would hand over every second
/// factor. Values written before this store existed are read as they are and sealed at their
/// next write (a new key, a redeemed code).
/// </summary>
public sealed class ProtectedTokenUserStore(EnrollmentDbContext context, IDataProtectionProvider protection, IdentityErrorDescriber? describer = null)
    : UserStore<EnrollmentUser, IdentityRole, EnrollmentDbContext>(context, describer)
{
    /// <summary>Marks a sealed value, so an older clear one is still told apart.</summary>
    public const string SealedPrefix = "dp1:";

    private readonly IDataProtector protector = protection.CreateProtector("Enrollment.UserTokens.v1");

    public override Task SetTokenAsync(EnrollmentUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : SealedPrefix + protector.Protect(value), cancellationToken);

    public override async Task<string?> GetTokenAsync(EnrollmentUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return stored is not null && stored.StartsWith(SealedPrefix, StringComparison.Ordinal)
            ? protector.Unprotect(stored[SealedPrefix.Length..])
            : stored;
    }
}
