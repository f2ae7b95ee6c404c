using Enrollment.Data;
using Enrollment.Data.Sqlite;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Authority;
using Enrollment.Web.Features.Authority.KeyRing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Infrastructure;

/// <summary>Options, the data directory, the database, Data Protection and Identity.</summary>
public static class HostSetup
{
    public static WebApplicationBuilder AddEnrollmentCore(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        AddValidatedOptions<EnrollmentOptions>(builder, EnrollmentOptions.SectionName);
        AddValidatedOptions<CaOptions>(builder, CaOptions.SectionName);
        AddValidatedOptions<RateLimitOptions>(builder, RateLimitOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<PortalLinks>();

        var options = builder.Configuration.GetSection(EnrollmentOptions.SectionName).Get<EnrollmentOptions>() ?? new EnrollmentOptions();
        DataFiles.CreateOwnerOnlyDirectory(options.PathOf());
        services.AddEnrollmentDatabase(options.Database.Settings(options));
        // Without persisted keys every cookie and antiforgery token dies on restart (docs/pitfalls.md, "Data Protection keys").
        var dataProtection = services.AddDataProtection().SetApplicationName("Enrollment");
        if (KeyRingProtection.KeysInDatabase(options))
        {
            // Several nodes share one database: the ring is kept there, so each reads what another sealed.
            dataProtection.PersistKeysToDbContext<EnrollmentDbContext>();
        }
        else
        {
            DataFiles.CreateOwnerOnlyDirectory(options.PathOf("keys"));
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(options.PathOf("keys")));
        }
        // Sealed at rest with the HSM or the CA key passphrase (docs/certificate-authority.md, "The key ring").
        services.TryAddSingleton<KeyRingProtection>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, SealKeyRingOptions>();
        services.AddSingleton<IValidateOptions<CaOptions>, KeyCustodyValidation>();

        // Mail and refusals speak the user's language in the admin verbs too.
        services.AddLocalization();
        services.AddEnrollmentIdentity();
        services.AddAccounts(builder.Configuration);
        services.AddAuthorization();
        return builder;
    }

    private static void AddValidatedOptions<T>(WebApplicationBuilder builder, string section) where T : class =>
        builder.Services.AddOptions<T>().Bind(builder.Configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
