using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider on loopback (OpenIddict, HTTPS with its own certificate):
/// authorization code flow with PKCE; its authorize endpoint signs in whichever person the test
/// set in <see cref="NextUser"/>, with no page of its own.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "enrollment-portal";
    public const string ClientSecret = "a client secret for the tests only";

    private readonly WebApplication app;
    private readonly SqliteConnection store;
    private readonly StrongBox<X509Certificate2?> clientCertificate;
    private int assertionsAccepted;

    private TestIdentityProvider(WebApplication app, SqliteConnection store, X509Certificate2 certificate, Uri issuer, string? tenant,
        StrongBox<X509Certificate2?> clientCertificate)
    {
        this.clientCertificate = clientCertificate;
        this.app = app;
        this.store = store;
        Certificate = certificate;
        Issuer = issuer;
        Tenant = tenant;
        TokenTenant = tenant;
    }

    /// <summary>The person the next authorization signs in: subject and claims.</summary>
    public TestPerson NextUser { get; set; } = new("subject-1", "Taro Yamada", "taro@example.com", "E-0001");

    /// <summary>The issuer in tokens and discovery: for the Entra ID shape, https://127.0.0.1:port/{tenant}/v2.0 as Entra's v2.0 issuer.</summary>
    public Uri Issuer { get; }

    /// <summary>Microsoft Entra ID's shape (tid, oid, v2.0 issuer, app roles) when set: the tenant's ID.</summary>
    public string? Tenant { get; }

    /// <summary>The tid the next tokens carry: another tenant's, to see it refused.</summary>
    public string? TokenTenant { get; set; }

    /// <summary>
    /// A certificate the client may prove itself with instead of its secret, checked as Entra ID checks
    /// a certificate credential: an RFC 7523 assertion it signed, typ JWT, for the token endpoint, from and
    /// about the client, unexpired. (OpenIddict 7 itself wants the draft's typ and the issuer as audience.)
    /// </summary>
    public X509Certificate2? ClientCertificate { get => clientCertificate.Value; set => clientCertificate.Value = value; }

    /// <summary>Assertions the token endpoint took in place of the secret.</summary>
    public int AssertionsAccepted => assertionsAccepted;

    /// <summary>The address Entra ID's instance stands at (AzureAd:Instance).</summary>
    public Uri Instance => new(Issuer.GetLeftPart(UriPartial.Authority) + "/");

    /// <summary>The provider's TLS certificate: the portal's back channel trusts exactly this one in the tests.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A handler for the portal's back channel that trusts this provider's certificate and nothing else.</summary>
    public HttpMessageHandler BackchannelHandler() => new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == Certificate.Thumbprint,
    };

    /// <summary>Registers the portal as a client, once the portal's address (and so its callback) is known.</summary>
    public async Task RegisterClientAsync(Uri portalCallback, Uri? portalSignedOutCallback = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            RedirectUris = { portalCallback },
            PostLogoutRedirectUris = { portalSignedOutCallback ?? new Uri(portalCallback, "/signout-callback") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession, Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code, Permissions.Scopes.Email, Permissions.Scopes.Profile,
            },
        });
    }

    /// <summary>Starts a plain provider, or with <paramref name="tenant"/> one shaped as Microsoft Entra ID's tenant.</summary>
    public static async Task<TestIdentityProvider> StartAsync(string? tenant = null, TimeSpan? codeLifetime = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);

        // One in-memory database, kept alive by this connection; every request opens its own connection to it:
        // one connection shared by concurrent requests (the browser's and the portal's back channel) is not thread-safe.
        var storeAddress = $"Data Source=idp-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        var store = new SqliteConnection(storeAddress);
        await store.OpenAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The issuer names the port, so the port is chosen before the server starts.
        var port = FreePort();
        var issuer = new Uri(tenant is null ? $"https://127.0.0.1:{port}/" : $"https://127.0.0.1:{port}/{tenant}/v2.0");
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate)));
        builder.Services.AddDbContext<ProviderStore>(o => o.UseSqlite(storeAddress).UseOpenIddict());
        var clientCertificate = new StrongBox<X509Certificate2?>();
        var assertionCheck = new StrongBox<Action<OpenIddictRequest, Uri>>();
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<ProviderStore>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                // Discovery also where Microsoft.Identity.Web looks for Entra ID's: {instance}/{tenant}/v2.0/.well-known/...
                server.SetConfigurationEndpointUris([".well-known/openid-configuration", .. tenant is null ? Array.Empty<string>() : [$"{tenant}/v2.0/.well-known/openid-configuration"]]);
                server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token").SetEndSessionEndpointUris("connect/logout");
                server.SetAuthorizationCodeLifetime(codeLifetime ?? TimeSpan.FromMinutes(5));
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
                server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough();
                // Runs once the token request is read, before OpenIddict authenticates the client.
                server.AddEventHandler<OpenIddict.Server.OpenIddictServerEvents.ExtractTokenRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        assertionCheck.Value!(context.Request!, new Uri(context.BaseUri!, "connect/token"));
                        return default;
                    })
                    .SetOrder(int.MaxValue - 100_000));
            });
        var app = builder.Build();
        var provider = new TestIdentityProvider(app, store, certificate, issuer, tenant, clientCertificate);
        assertionCheck.Value = provider.AcceptAssertion;
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext context) => provider.Authorize(context));
        app.MapMethods("connect/logout", [HttpMethods.Get, HttpMethods.Post], (HttpContext context) => provider.EndSession(context));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProviderStore>().Database.EnsureCreatedAsync();
        }
        await app.StartAsync();
        return provider;
    }

    private IResult Authorize(HttpContext context)
    {
        var person = NextUser;
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Subject).SetClaim(Claims.Name, person.Name).SetClaim(Claims.Email, person.Email)
            .SetClaim("employeeid", person.EmployeeId).SetClaims("roles", [.. person.Roles]).SetClaims(Claims.AuthenticationMethodReference, [.. person.Amr]);
        if (Tenant is not null)
        {
            // Entra ID's v2.0 ID token: the tenant, the object ID (stable across applications), the UPN as preferred_username.
            identity.SetClaim("tid", TokenTenant).SetClaim("oid", person.Subject).SetClaim(Claims.PreferredUsername, person.Upn ?? person.Email);
        }
        identity.SetScopes(context.GetOpenIddictServerRequest()!.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>A valid Entra-style certificate assertion stands for the client's secret; anything else is left for OpenIddict to refuse.</summary>
    private void AcceptAssertion(OpenIddictRequest request, Uri tokenEndpoint)
    {
        if (ClientCertificate is not { } registered || request.ClientAssertionType != ClientAssertionTypes.JwtBearer || request.ClientAssertion is null)
        {
            return;
        }
        var result = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(request.ClientAssertion, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            ValidIssuer = ClientId,
            ValidAudience = tokenEndpoint.AbsoluteUri,
            ValidTypes = ["JWT"],
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.X509SecurityKey(registered),
            RequireExpirationTime = true,
        }).GetAwaiter().GetResult();
        if (result.IsValid && result.ClaimsIdentity.FindFirst("sub")?.Value == ClientId && request.ClientSecret is null)
        {
            (request.ClientAssertion, request.ClientAssertionType, request.ClientSecret) = (null, null, ClientSecret);
            Interlocked.Increment(ref assertionsAccepted);
        }
    }

    /// <summary>Ends the provider's session and sends the browser back where the portal asked (RP-initiated logout).</summary>
    private IResult EndSession(HttpContext context)
    {
        SignedOut++;
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>How many times the portal sent someone here to sign out.</summary>
    public int SignedOut { get; private set; }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await store.DisposeAsync();
        Certificate.Dispose();
    }

    private sealed class ProviderStore(DbContextOptions<ProviderStore> options) : DbContext(options);
}

/// <summary>A person as the identity provider knows them.</summary>
public sealed record TestPerson(string Subject, string Name, string Email, string EmployeeId)
{
    /// <summary>App roles (Entra) or mapped roles: the "roles" claim.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>How the person signed in: the "amr" claim ("pwd", "mfa").</summary>
    public IReadOnlyList<string> Amr { get; init; } = ["pwd"];

    public string? Upn { get; init; }
}
