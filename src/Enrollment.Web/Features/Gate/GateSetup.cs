using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Data.Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

public static class GateSetup
{
    public static IServiceCollection AddClientCertificateGate(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GateOptions>().Bind(configuration.GetSection(GateOptions.SectionName))
            .Validate(o => o.KnownProxies.All(p => System.Net.IPAddress.TryParse(p, out _)), "Enrollment:ClientCertificates:KnownProxies must hold IP addresses.")
            .Validate(o => o.Mode != ClientCertificateMode.Proxy || o.KnownProxies.Count > 0 || o.UnixSocketProxy,
                "Proxy mode needs Enrollment:ClientCertificates:KnownProxies or UnixSocketProxy.")
            .ValidateOnStart();
        services.TryAddSingleton<CertificateRecords>();
        services.TryAddSingleton<CertificateOwnership>();
        services.TryAddScoped<ClientCertificateGate>();
        services.TryAddSingleton<RefusalAuditBudget>();
        services.TryAddScoped<PrivilegedAuthorization>();
        services.TryAddScoped<CircuitConnection>();
        services.TryAddSingleton<Recovery.RecoveryPaths>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitConnectionHandler>());
        return services;
    }

    /// <summary>
    /// Direct mode: TLS asks for a client certificate at the first handshake, optional, naming our
    /// issuing CA so browsers offer only matching certificates; any certificate is accepted at the
    /// TLS level so the portal can explain a failure instead of a bare TLS error. No renegotiation.
    /// </summary>
    public static void ConfigureDirectMode(HttpsConnectionAdapterOptions https, IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<GateOptions>>().Value.Mode != ClientCertificateMode.Direct)
        {
            return;
        }
        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
        https.AllowAnyClientCertificate();
        // net10 checks revocation online by default during the handshake, and SslStream downloads
        // issuers a certificate names (AIA). The portal's database is the revocation authority and the
        // gate judges the chain itself after the handshake, so TLS never reaches out (see the chain
        // policy below): a visitor's certificate cannot make the portal fetch addresses it chooses.
        https.CheckCertificateRevocation = false;
        SslStreamCertificateContext? context = null;
        var before = https.OnAuthenticate;
        https.OnAuthenticate = (connection, ssl) =>
        {
            before?.Invoke(connection, ssl);
            ssl.CertificateChainPolicy = new X509ChainPolicy
            {
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            };
            if (ssl.ServerCertificate is X509Certificate2 server)
            {
                context ??= SslStreamCertificateContext.Create(server, null, offline: true,
                    trust: SslCertificateTrust.CreateForX509Collection([services.GetRequiredService<CertificateAuthority>().Issuing], sendTrustInHandshake: true));
                ssl.ServerCertificateContext = context;
                ssl.ServerCertificate = null;
            }
        };
    }
}
