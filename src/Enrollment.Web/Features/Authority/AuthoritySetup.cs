using Enrollment.Ca.Authority;
using Enrollment.Ca.Hsm;
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
        {
            var options = sp.GetRequiredService<IOptions<CaOptions>>().Value;
            ICaKeyProtector software = options.KeyPassphrase is { Length: > 0 } passphrase
                ? new PassphraseKeyProtector(passphrase)
                : new DataProtectionKeyProtector(sp.GetRequiredService<IDataProtectionProvider>());
            return options.Hsm.Enabled
                ? new TokenKeyProtector(sp.GetRequiredService<Pkcs11Token>(), software, sp.GetRequiredService<TimeProvider>())
                : software;
        });
        // Opened once: a missing library, an unknown token or a wrong PIN stops the start with a message naming the setting.
        services.TryAddSingleton(sp => Pkcs11Token.Open(TokenSettingsOf(sp.GetRequiredService<IOptions<CaOptions>>().Value.Hsm)));
        services.TryAddSingleton(sp => PublicationUrls.From(sp.GetRequiredService<IOptions<EnrollmentOptions>>().Value.PublicBaseUrl));
        services.TryAddSingleton(sp => new CaStore(
            sp.GetRequiredService<IOptions<EnrollmentOptions>>().Value.PathOf("ca"), sp.GetRequiredService<ICaKeyProtector>()));
        services.TryAddSingleton(sp => new CaGenerator(GenerationOptions(sp), sp.GetRequiredService<PublicationUrls>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<CaProvisioner>();
        services.TryAddSingleton<CaKeyCustody>();
        services.TryAddSingleton(sp => sp.GetRequiredService<CaProvisioner>().LoadOrCreate(out _));
        return services;
    }

    private static TokenSettings TokenSettingsOf(HsmOptions hsm)
    {
        if (string.IsNullOrWhiteSpace(hsm.TokenLabel))
        {
            throw new HsmException("Enrollment:Ca:Hsm:TokenLabel is required with Enrollment:Ca:Hsm:Library.");
        }
        string pin;
        if (!string.IsNullOrWhiteSpace(hsm.PinFile))
        {
            pin = File.Exists(hsm.PinFile)
                ? File.ReadAllText(hsm.PinFile).TrimEnd('\r', '\n')
                : throw new HsmException($"The PIN file '{hsm.PinFile}' does not exist; check Enrollment:Ca:Hsm:PinFile.");
        }
        else
        {
            pin = Environment.GetEnvironmentVariable(HsmOptions.PinVariable)
                  ?? throw new HsmException($"No PIN for the token: set Enrollment:Ca:Hsm:PinFile or the environment variable {HsmOptions.PinVariable}.");
        }
        return new TokenSettings(hsm.Library!, hsm.TokenLabel, pin);
    }

    private static CaGenerationOptions GenerationOptions(IServiceProvider services) => new()
    {
        Organization = services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.Organization,
        IssuingKeyBits = services.GetRequiredService<IOptions<CaOptions>>().Value.IssuingKeyBits,
    };
}
