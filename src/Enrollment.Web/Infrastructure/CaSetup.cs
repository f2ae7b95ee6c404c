using Enrollment.Ca.Authority;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Ocsp;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Publication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Infrastructure;

/// <summary>Registers the CA, issuance, revocation and publication services.</summary>
public static class CaSetup
{
    public static IServiceCollection AddCertificateAuthority(this IServiceCollection services)
    {
        services.TryAddSingleton<ICaKeyProtector>(sp =>
            sp.GetRequiredService<IOptions<CaOptions>>().Value.KeyPassphrase is { Length: > 0 } passphrase
                ? new PassphraseKeyProtector(passphrase)
                : new DataProtectionKeyProtector(sp.GetRequiredService<IDataProtectionProvider>()));
        services.TryAddSingleton(sp => PublicationUrls.From(sp.GetRequiredService<IOptions<EnrollmentOptions>>().Value.PublicBaseUrl));
        services.TryAddSingleton(sp => new CaStore(
            sp.GetRequiredService<IOptions<EnrollmentOptions>>().Value.PathOf("ca"), sp.GetRequiredService<ICaKeyProtector>()));
        services.TryAddSingleton(sp => new CaGenerator(GenerationOptions(sp), sp.GetRequiredService<PublicationUrls>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CaProvisioner>();
        services.TryAddSingleton(sp => sp.GetRequiredService<CaProvisioner>().LoadOrCreate(out _));
        services.TryAddSingleton<TlsCertificateStore>();

        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<IIssuanceFaults>(NoIssuanceFaults.Instance);
        services.TryAddSingleton<EfIssuanceLedger>();
        services.TryAddSingleton<IIssuanceLedger>(sp => sp.GetRequiredService<EfIssuanceLedger>());
        services.TryAddSingleton<IssuanceService>();
        services.TryAddScoped<CertificateIssuer>();
        services.TryAddSingleton<RevocationRecords>();
        services.TryAddSingleton<ICertificateStatusSource, EfCertificateStatusSource>();
        services.TryAddSingleton(sp => new OcspResponderOptions
        {
            Validity = TimeSpan.FromHours(sp.GetRequiredService<IOptions<CaOptions>>().Value.OcspValidityHours),
        });
        services.TryAddSingleton<OcspResponder>();
        services.TryAddSingleton<CrlPublisher>();
        services.TryAddSingleton<RootCrlFile>();
        services.TryAddSingleton<CaRenewal>();
        services.TryAddSingleton<RevocationService>();
        return services;
    }

    private static CaGenerationOptions GenerationOptions(IServiceProvider services) => new()
    {
        Organization = services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.Organization,
        IssuingKeyBits = services.GetRequiredService<IOptions<CaOptions>>().Value.IssuingKeyBits,
    };
}
