using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>
/// Sign-in through OpenID Connect providers (README, "Single sign-on"): one scheme per
/// configured provider, signing into Identity's external cookie; <see cref="SsoSignIn"/> then links
/// or provisions the account and signs in with Identity's own cookie and second factor.
/// </summary>
public static class SsoSetup
{
    public static IServiceCollection AddSso(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SsoOptions>().Bind(configuration.GetSection(SsoOptions.SectionName))
            .Validate(o => o.Oidc.All(p => Validator.TryValidateObject(p, new ValidationContext(p), null, validateAllProperties: true)),
                "Each Enrollment:Sso:Oidc:N needs Name (a-z, 0-9, dashes), DisplayName, an Authority URL and ClientId.")
            .Validate(o => o.Oidc.Select(p => p.Name).Distinct().Count() == o.Oidc.Count, "Enrollment:Sso:Oidc names must be unique.")
            .ValidateOnStart();
        services.TryAddScoped<SsoSignIn>();
        var authentication = services.AddAuthentication();
        foreach (var provider in configuration.GetSection(SsoOptions.SectionName).Get<SsoOptions>()?.Oidc ?? [])
        {
            authentication.AddOpenIdConnect(provider.Name, provider.DisplayName, oidc =>
            {
                oidc.Authority = provider.Authority;
                oidc.ClientId = provider.ClientId;
                oidc.ClientSecret = provider.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.SignInScheme = IdentityConstants.ExternalScheme;
                oidc.CallbackPath = "/signin-" + provider.Name;
                oidc.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" })
                {
                    oidc.Scope.Add(scope);
                }
                // The provider's own claim names (sub, email, name), not WS-Federation URIs.
                oidc.MapInboundClaims = false;
                oidc.SaveTokens = false;
                // Cancelled, denied or misconfigured at the provider: our sign-in page says so, with the audit log's note.
                oidc.Events.OnRemoteFailure = async context =>
                {
                    await context.HttpContext.RequestServices.GetRequiredService<AccountAudit>().RecordAsync(context.HttpContext, "unknown",
                        "signin.sso-failed", null, $"provider={provider.Name} error={context.Failure?.Message}");
                    context.Response.Redirect("/account/login?sso=" + nameof(SsoOutcome.NotAllowed));
                    context.HandleResponse();
                };
            });
        }
        return services;
    }

    public static IEndpointRouteBuilder MapSso(this IEndpointRouteBuilder endpoints)
    {
        // A form post with the page's antiforgery token: another site cannot start a sign-in for the user.
        endpoints.MapPost("/account/sso/{provider}", async (string provider, HttpContext context, [FromServices] IAntiforgery antiforgery,
            [FromServices] SignInManager<EnrollmentUser> signIn, [FromServices] IOptions<SsoOptions> options) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }
            if (options.Value.Oidc.All(p => p.Name != provider))
            {
                return Results.NotFound();
            }
            var returnUrl = LocalUrls.OrHome(context.Request.Form["returnUrl"]);
            var properties = signIn.ConfigureExternalAuthenticationProperties(provider, $"/account/sso/{provider}/done?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return Results.Challenge(properties, [provider]);
        });
        endpoints.MapGet("/account/sso/{provider}/done", async (string provider, string? returnUrl, HttpContext context,
            [FromServices] SsoSignIn sso, [FromServices] IOptions<SsoOptions> options) =>
        {
            var configured = options.Value.Oidc.FirstOrDefault(p => p.Name == provider);
            var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await context.SignOutAsync(IdentityConstants.ExternalScheme);
            if (configured is null || !external.Succeeded || (external.Properties?.Items.TryGetValue("LoginProvider", out var loginProvider) != true || loginProvider != provider))
            {
                return Results.LocalRedirect("~/account/login?sso=" + nameof(SsoOutcome.NotAllowed));
            }
            var next = LocalUrls.OrHome(returnUrl);
            return await sso.SignInAsync(context, configured, external.Principal!) switch
            {
                SsoOutcome.SignedIn => Results.LocalRedirect(next),
                SsoOutcome.TwoFactorRequired => Results.LocalRedirect("~/account/login-2fa?returnUrl=" + Uri.EscapeDataString(next)),
                SsoOutcome.LockedOut => Results.LocalRedirect("~/account/lockout"),
                var refused => Results.LocalRedirect("~/account/login?sso=" + refused),
            };
        }).AllowAnonymous();
        return endpoints;
    }
}
