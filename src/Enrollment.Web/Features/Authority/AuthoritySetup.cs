using Enrollment.Ca.Authority;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Authority;

/// <summary>The CA itself in the host: where its keys are kept, and its hierarchy loaded or generated.</summary>
public static class AuthoritySetup
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
        return services;
    }

    private static CaGenerationOptions GenerationOptions(IServiceProvider services) => new()
    {
        Organization = services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.Organization,
        IssuingKeyBits = services.GetRequiredService<IOptions<CaOptions>>().Value.IssuingKeyBits,
    };
}
