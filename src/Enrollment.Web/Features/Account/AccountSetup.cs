using System.Security.Claims;
using System.Threading.RateLimiting;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account.Sessions;
using Enrollment.Web.Features.Account.Sso;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account;

/// <summary>Sign-in, two-factor, account mail and their protections.</summary>
public static class AccountSetup
{
    /// <summary>Sign-in, 2FA and recovery posts one client address may make per minute. Defaults to 20.</summary>
    public const string SignInRateSetting = "Enrollment:RateLimits:SignInPerMinute";

    /// <summary>Seconds between re-checks of a session's user (cookie and open circuits). Defaults to 60.</summary>
    public const string RevalidationSetting = "Enrollment:Accounts:RevalidationSeconds";

    public static IdentityBuilder AddEnrollmentIdentity(this IServiceCollection services) =>
        services.AddIdentityCore<EnrollmentUser>(identity =>
            {
                // Length over composition (NIST SP 800-63B; docs/pitfalls.md, "Password rules").
                identity.Password.RequiredLength = 12;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 4;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                identity.Lockout.AllowedForNewUsers = true;
                identity.User.RequireUniqueEmail = true;
                identity.SignIn.RequireConfirmedEmail = true;
                identity.Tokens.AuthenticatorTokenProvider = OneTimeAuthenticatorTokenProvider.Name;
            })
            .AddRoles<IdentityRole>()
            // Identity's EF stores, with the second-factor secrets sealed at rest (ProtectedTokenUserStore).
            .AddUserStore<ProtectedTokenUserStore>()
            .AddRoleStore<Microsoft.AspNetCore.Identity.EntityFrameworkCore.RoleStore<IdentityRole, Data.EnrollmentDbContext>>()
            .AddPasswordValidator<Passwords.CommonPasswordValidator>()
            .AddSignInManager<EnrollmentSignInManager>()
            .AddClaimsPrincipalFactory<AccountClaims>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.Name);

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddOptions<SessionLifetimeOptions>().Bind(configuration.GetSection(SessionLifetimeOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<DatabaseTicketStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DatabaseTicketStore, IOptions<SessionLifetimeOptions>>((cookie, store, sessions) =>
            {
                cookie.LoginPath = "/account/login";
                cookie.AccessDeniedPath = "/account/access-denied";
                // The session lives on the server; the cookie slides with activity up to the idle timeout.
                cookie.SessionStore = store;
                cookie.ExpireTimeSpan = sessions.Value.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.Events.OnSigningIn = NameTheSession;
                Harden(cookie);
            });
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.ExternalScheme })
        {
            services.Configure<CookieAuthenticationOptions>(scheme, Harden);
        }
        // docs/pitfalls.md, "Revalidation": the default 30 minutes lets a disabled or demoted user keep access far too long.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromSeconds(configuration.GetValue<int?>(RevalidationSetting) ?? 60);
            // The refreshed principal is made anew from the user record: it keeps its session's name and how it signed in.
            o.OnRefreshingPrincipal = context =>
            {
                var kept = context.CurrentPrincipal?.Claims.Where(c => AccountClaims.OfTheSignIn.Contains(c.Type)).Select(c => new Claim(c.Type, c.Value)) ?? [];
                context.NewPrincipal?.Identities.First().AddClaims(kept);
                return Task.CompletedTask;
            };
        });
        services.AddCascadingAuthenticationState();
        services.TryAddScoped<IdentityRedirectManager>();
        services.TryAddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.TryAddSingleton<AccountAudit>();
        services.TryAddSingleton<UnknownAccountLockout>();
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<PickupEmailSender>();
        services.TryAddSingleton<IEmailSender<EnrollmentUser>>(provider => provider.GetRequiredService<PickupEmailSender>());
        services.TryAddScoped<Invitations>();
        services.AddHttpContextAccessor();
        services.AddSso(configuration);
        return services;
    }

    /// <summary>Counts the posts of the sign-in and recovery pages per client address.</summary>
    public static PartitionedRateLimiter<HttpContext> SignInLimiter(IConfiguration configuration)
    {
        var perMinute = configuration.GetValue<int?>(SignInRateSetting) ?? 20;
        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
            HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/account")
                && !context.Request.Path.StartsWithSegments("/account/logout")
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "-", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("unlimited"));
    }

    /// <summary>
    /// Every signed-in principal carries its session's id. A refresh by the same user keeps it (the
    /// handler renews the same server-side session); anyone else gets a new one.
    /// </summary>
    private static Task NameTheSession(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == DatabaseTicketStore.SessionClaim))
        {
            var current = context.HttpContext.User;
            var sameUser = current.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && id == identity.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            identity.AddClaim(new Claim(DatabaseTicketStore.SessionClaim,
                (sameUser ? current.FindFirstValue(DatabaseTicketStore.SessionClaim) : null) ?? DatabaseTicketStore.NewSessionId()));
        }
        return Task.CompletedTask;
    }

    private static void Harden(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
    }
}
