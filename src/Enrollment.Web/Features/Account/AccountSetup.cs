using System.Threading.RateLimiting;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
            .AddSignInManager<EnrollmentSignInManager>()
            .AddClaimsPrincipalFactory<AccountClaims>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<OneTimeAuthenticatorTokenProvider>(OneTimeAuthenticatorTokenProvider.Name);

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.AccessDeniedPath = "/account/access-denied";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            Harden(cookie);
        });
        foreach (var scheme in new[] { IdentityConstants.TwoFactorUserIdScheme, IdentityConstants.TwoFactorRememberMeScheme, IdentityConstants.ExternalScheme })
        {
            services.Configure<CookieAuthenticationOptions>(scheme, Harden);
        }
        // docs/pitfalls.md, "Revalidation": the default 30 minutes lets a disabled or demoted user keep access far too long.
        services.Configure<SecurityStampValidatorOptions>(o =>
            o.ValidationInterval = TimeSpan.FromSeconds(configuration.GetValue<int?>(RevalidationSetting) ?? 60));
        services.AddCascadingAuthenticationState();
        services.TryAddScoped<IdentityRedirectManager>();
        services.TryAddScoped<AuthenticationStateProvider, RevalidatingAuthenticationStateProvider>();
        services.TryAddSingleton<AccountAudit>();
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<PickupEmailSender>();
        services.TryAddSingleton<IEmailSender<EnrollmentUser>>(provider => provider.GetRequiredService<PickupEmailSender>());
        services.TryAddScoped<Invitations>();
        services.AddHttpContextAccessor();
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

    private static void Harden(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Lax;
    }
}
