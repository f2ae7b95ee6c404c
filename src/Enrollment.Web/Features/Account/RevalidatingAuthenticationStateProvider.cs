using System.Security.Claims;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// Re-checks an open Blazor circuit's user every minute (the framework default is 30): a disabled
/// account, a changed security stamp (password, 2FA or role change), or a session signed out in
/// another tab or past its absolute lifetime ends its access quickly.
/// </summary>
public sealed class RevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options, IOptions<SecurityStampValidatorOptions> stamps)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>The same interval as the cookie's security-stamp validation (Enrollment:Accounts:RevalidationSeconds).</summary>
    protected override TimeSpan RevalidationInterval => stamps.Value.ValidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = await users.GetUserAsync(state.User);
        return user is { Disabled: false }
               && state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType) == await users.GetSecurityStampAsync(user)
               && await scope.ServiceProvider.GetRequiredService<Sessions.DatabaseTicketStore>()
                   .IsOpenAsync(state.User.FindFirstValue(Sessions.DatabaseTicketStore.SessionClaim), cancellationToken);
    }
}
