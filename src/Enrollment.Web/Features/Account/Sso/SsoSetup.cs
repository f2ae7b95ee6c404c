using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account.Pages;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>
/// Sign-in through OpenID Connect providers (README, "Single sign-on"): Microsoft Entra ID through
/// Microsoft.Identity.Web, and any other provider through the framework's handler, one scheme each,
/// signing into Identity's external cookie; <see cref="SsoSignIn"/> then links or provisions the
/// account and signs in with Identity's own cookie and second factor.
/// </summary>
public static class SsoSetup
{
    /// <summary>Microsoft.Identity.Web's own section: Instance, TenantId, ClientId, ClientSecret, CallbackPath.</summary>
    public const string EntraSection = "AzureAd";

    public static IServiceCollection AddSso(this IServiceCollection services, IConfiguration configuration)
    {
        var entraConfigured = !string.IsNullOrEmpty(configuration[EntraSection + ":ClientId"]);
        services.AddOptions<SsoOptions>().Bind(configuration.GetSection(SsoOptions.SectionName))
            .Validate(o => o.Oidc.All(p => Validator.TryValidateObject(p, new ValidationContext(p), null, validateAllProperties: true)),
                "Each Enrollment:Sso:Oidc:N needs Name (a-z, 0-9, dashes), DisplayName, an Authority URL and ClientId.")
            .Validate(o => o.Oidc.Select(p => p.Name).Append(EntraProviderOptions.Name).Distinct().Count() == o.Oidc.Count + 1,
                "Enrollment:Sso:Oidc names must be unique, and \"entra\" is Microsoft Entra ID's.")
            .Validate(_ => !entraConfigured || Guid.TryParse(configuration[EntraSection + ":TenantId"], out Guid _),
                "AzureAd:TenantId must be the tenant's ID (a GUID): only that tenant's people may sign in.")
            .ValidateOnStart();
        services.TryAddScoped<SsoSignIn>();
        services.TryAddSingleton<SsoProviders>();
        var authentication = services.AddAuthentication();
        var options = configuration.GetSection(SsoOptions.SectionName).Get<SsoOptions>() ?? new();
        foreach (var provider in options.Oidc)
        {
            authentication.AddOpenIdConnect(provider.Name, provider.DisplayName, oidc =>
            {
                oidc.Authority = provider.Authority;
                oidc.ClientId = provider.ClientId;
                oidc.ClientSecret = provider.ClientSecret;
                oidc.CallbackPath = "/signin-" + provider.Name;
                oidc.SignedOutCallbackPath = "/signout-callback-" + provider.Name;
                oidc.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" })
                {
                    oidc.Scope.Add(scope);
                }
                Harden(oidc, provider.Name);
            });
        }
        if (entraConfigured)
        {
            AddEntra(services, authentication, configuration, options.Entra);
        }
        return services;
    }

    /// <summary>
    /// Microsoft Entra ID through Microsoft.Identity.Web, without its cookie (Identity's external
    /// cookie takes the sign-in) and without token acquisition (the portal calls no API for the user).
    /// </summary>
    private static void AddEntra(IServiceCollection services, AuthenticationBuilder authentication, IConfiguration configuration, EntraProviderOptions entra)
    {
        authentication.AddMicrosoftIdentityWebApp(configuration.GetSection(EntraSection), EntraProviderOptions.Name, cookieScheme: null,
            displayName: entra.DisplayName);
        var section = configuration.GetSection(EntraSection);
        var tenant = section["TenantId"]!;
        var instance = (section["Instance"] ?? "https://login.microsoftonline.com/").TrimEnd('/');
        var certificate = EntraClientCertificate.Load(section);
        services.AddOptions<OpenIdConnectOptions>(EntraProviderOptions.Name).Configure<TimeProvider>((oidc, time) =>
        {
            oidc.SignedOutCallbackPath = section["SignedOutCallbackPath"] ?? "/signout-callback-" + EntraProviderOptions.Name;
            Harden(oidc, EntraProviderOptions.Name);
            if (certificate is not null)
            {
                EntraClientCertificate.Use(oidc, certificate, time);
            }
            // Only the configured tenant's v2.0 issuer, and its tid: a token of another tenant is refused even where
            // the application is registered as multi-tenant. (Microsoft.Identity.Web's AadIssuerValidator would
            // accept any tenant that matches its issuer template.)
            oidc.TokenValidationParameters.IssuerValidator = (issuer, token, _) =>
                issuer == $"{instance}/{tenant}/v2.0" && token is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("tid", out var tid) && tid == tenant
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException($"The token's issuer {issuer} is not the tenant {tenant}.");
        });
    }

    /// <summary>What every provider's scheme does the same way.</summary>
    private static void Harden(OpenIdConnectOptions oidc, string name)
    {
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        oidc.SignInScheme = IdentityConstants.ExternalScheme;
        // The provider's own claim names (sub, email, name), not WS-Federation URIs. Microsoft.Identity.Web
        // maps them all the same, so they are read under either name (SsoProvider.ClaimsOf).
        oidc.MapInboundClaims = false;
        oidc.SaveTokens = false;
        // Cancelled, denied, misconfigured, or an answer that did not validate: a page that says so, with a reference the audit log finds.
        oidc.Events.OnRemoteFailure = async context =>
        {
            var services = context.HttpContext.RequestServices;
            var provider = services.GetRequiredService<SsoProviders>().Find(name);
            var error = context.Failure?.Message ?? "unknown";
            var refused = await services.GetRequiredService<SsoSignIn>().RefuseAsync(context.HttpContext, "unknown", provider, SsoOutcome.Failed,
                error.Contains("access_denied", StringComparison.Ordinal) ? "cancelled-or-denied" : "failed", $"error=\"{error.ReplaceLineEndings(" ")}\"");
            context.Response.Redirect(SsoProblemPage.Address(refused));
            context.HandleResponse();
        };
        // Without an ID token to hint with, providers want to know which client signs out (Keycloak, OpenIddict).
        oidc.Events.OnRedirectToIdentityProviderForSignOut = context =>
        {
            context.ProtocolMessage.ClientId = context.Options.ClientId;
            return Task.CompletedTask;
        };
    }

    public static IEndpointRouteBuilder MapSso(this IEndpointRouteBuilder endpoints)
    {
        // A form post with the page's antiforgery token: another site cannot start a sign-in for the user.
        endpoints.MapPost("/account/sso/{provider}", async (string provider, HttpContext context, [FromServices] IAntiforgery antiforgery,
            [FromServices] SignInManager<EnrollmentUser> signIn, [FromServices] SsoProviders providers) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }
            if (providers.Find(provider) is null)
            {
                return Results.NotFound();
            }
            var returnUrl = LocalUrls.OrHome(context.Request.Form["returnUrl"]);
            var properties = signIn.ConfigureExternalAuthenticationProperties(provider, $"/account/sso/{provider}/done?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return Results.Challenge(properties, [provider]);
        });
        endpoints.MapGet("/account/sso/{provider}/done", async (string provider, string? returnUrl, HttpContext context,
            [FromServices] SsoSignIn sso, [FromServices] SsoProviders providers) =>
        {
            var configured = providers.Find(provider);
            var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await context.SignOutAsync(IdentityConstants.ExternalScheme);
            if (configured is null || !external.Succeeded || (external.Properties?.Items.TryGetValue("LoginProvider", out var loginProvider) != true || loginProvider != provider))
            {
                return Results.LocalRedirect(SsoProblemPage.Address(await sso.RefuseAsync(context, "unknown", configured, SsoOutcome.Failed, "no-external-sign-in")));
            }
            var next = LocalUrls.OrHome(returnUrl);
            var result = await sso.SignInAsync(context, configured, external.Principal!);
            if (result.Outcome == SsoOutcome.EmailTaken && configured.IdentityOf(external.Principal!) is var (issuer, key))
            {
                // The owner of the local account may prove its password once to link it (SsoProblemPage).
                PendingLink.Keep(context, new PendingLink(provider, issuer, key, SsoProvider.ValueOf(external.Principal!, "email")!.Trim()));
            }
            return result.Outcome switch
            {
                SsoOutcome.SignedIn => Results.LocalRedirect(next),
                SsoOutcome.TwoFactorRequired => Results.LocalRedirect("~/account/login-2fa?returnUrl=" + Uri.EscapeDataString(next)),
                SsoOutcome.LockedOut => Results.LocalRedirect("~/account/lockout"),
                _ => Results.LocalRedirect(SsoProblemPage.Address(result)),
            };
        }).AllowAnonymous();
        return endpoints;
    }

    /// <summary>
    /// Ends the session at the provider too when the user signed in through one that offers it
    /// (RP-initiated logout); the provider sends the browser back to the signed-out page.
    /// </summary>
    public static async Task<IResult?> SignOutAtProviderAsync(HttpContext context, string? signedInWith)
    {
        var providers = context.RequestServices.GetRequiredService<SsoProviders>();
        if (await providers.ByLoginProviderAsync(signedInWith) is not { } provider)
        {
            return null;
        }
        var oidc = context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(provider.Name);
        var metadata = await oidc.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
        return string.IsNullOrEmpty(metadata.EndSessionEndpoint)
            ? null
            : Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/signed-out?provider=" + provider.Name }, [provider.Name]);
    }
}
