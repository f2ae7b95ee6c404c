using System.Net;
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

    private TestIdentityProvider(WebApplication app, SqliteConnection store, X509Certificate2 certificate)
    {
        this.app = app;
        this.store = store;
        Certificate = certificate;
    }

    /// <summary>The person the next authorization signs in: subject and claims.</summary>
    public TestPerson NextUser { get; set; } = new("subject-1", "Taro Yamada", "taro@example.com", "E-0001");

    public Uri Issuer => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    /// <summary>The provider's TLS certificate: the portal's back channel trusts exactly this one in the tests.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A handler for the portal's back channel that trusts this provider's certificate and nothing else.</summary>
    public HttpMessageHandler BackchannelHandler() => new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == Certificate.Thumbprint,
    };

    /// <summary>Registers the portal as a client, once the portal's address (and so its callback) is known.</summary>
    public async Task RegisterClientAsync(Uri portalCallback)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            RedirectUris = { portalCallback },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code, Permissions.Scopes.Email, Permissions.Scopes.Profile,
            },
        });
    }

    public static async Task<TestIdentityProvider> StartAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);

        var store = new SqliteConnection("DataSource=:memory:");
        await store.OpenAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        builder.Services.AddDbContext<ProviderStore>(o => o.UseSqlite(store).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<ProviderStore>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
                server.UseAspNetCore().EnableAuthorizationEndpointPassthrough();
            });
        var app = builder.Build();
        var provider = new TestIdentityProvider(app, store, certificate);
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext context) => provider.Authorize(context));
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
            .SetClaim("employeeid", person.EmployeeId);
        identity.SetScopes(context.GetOpenIddictServerRequest()!.GetScopes());
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
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
public sealed record TestPerson(string Subject, string Name, string Email, string EmployeeId);
