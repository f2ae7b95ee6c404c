using System.Globalization;
using System.Security.Claims;
using Bunit;
using Enrollment.Web.Components.Shell;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Enrollment.Web.Tests.Components;

/// <summary>
/// bunit with the portal's own services: components render against a real running portal (its
/// database, CA, localizer and every service a page injects), as a given person on a given connection.
/// Only the circuit's parts are the test's own: who is signed in, and the certificate the connection presented.
/// </summary>
public sealed class PortalComponents : BunitContext
{
    /// <remarks>
    /// bunit waits one second by default. Pages here query a real database while the rest of the
    /// suite runs on the same two cores; one second lost a grid's first load in CI.
    /// </remarks>
    static PortalComponents() => DefaultWaitTimeout = TimeSpan.FromSeconds(15);

    public PortalComponents(RunningPortal portal, ClaimsPrincipal? user = null, ConnectionCertificate? connection = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddPortalShell();
        Services.AddLocalization();
        Services.AddHttpContextAccessor();
        // The framework's own authorization, over bunit's placeholders: AuthorizeView judges the real principal.
        Services.AddAuthorizationCore();
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthentication(user ?? new ClaimsPrincipal(new ClaimsIdentity())));
        Services.AddCascadingAuthenticationState();
        Services.AddScoped(_ => new CircuitConnection { Current = connection ?? new ConnectionCertificate(null, "127.0.0.1") });
        AddBunitPersistentComponentState();
        Services.AddFallbackServiceProvider(portal.Services);
        // As in a circuit: an interactive page, not its prerender.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>
    /// The language of what renders next (the request culture, in the portal). Call it in the test
    /// itself: a culture set inside an async helper is undone when the helper returns.
    /// </summary>
    public static void UseCulture(string name) => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);

    private sealed class FixedAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
