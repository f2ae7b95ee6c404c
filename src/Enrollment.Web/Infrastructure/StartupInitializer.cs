using Enrollment.Ca.Authority;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Infrastructure;

/// <summary>
/// Everything that must hold before the first request: the database migrated and sound, roles
/// present, unfinished issuance recovered, the CA loaded or generated, and a CRL published.
/// </summary>
public static partial class StartupInitializer
{
    public static async Task InitializeDatabaseAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        // Settings first: a typo must stop the start before anything is created or migrated.
        services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        await DatabaseInitializer.InitializeAsync(db, cancellationToken,
            migrate: services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.Database.MigrateOnStart);
        // Before anything reads the key ring: keys written in clear get sealed, a ring that does not open stops the start.
        await services.GetRequiredService<Features.Authority.KeyRing.KeyRingProtection>().SealAndCheckAsync(services);
        DataFiles.RestrictToOwner(services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.PathOf("enrollment.db"));
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }

    /// <summary>Database, then the CA (generated on first start), then recovery and the CRL.</summary>
    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await InitializeDatabaseAsync(services, cancellationToken);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupInitializer));
        var created = !services.GetRequiredService<CaStore>().Exists;
        var authority = services.GetRequiredService<CertificateAuthority>();
        if (created)
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync(cancellationToken);
            await services.GetRequiredService<AuditTrail>().AppendAsync(db, new AuditEntry("system", "ca.created", authority.IssuerKeyId,
                $"root={authority.Root.Thumbprint} issuing={authority.Issuing.Thumbprint}"), cancellationToken);
            LogCaCreated(logger, authority.Issuing.Subject, authority.Issuing.Thumbprint);
        }
        if (!services.GetRequiredService<IHostEnvironment>().IsDevelopment() && services.GetRequiredService<CaStore>().HoldsRootKey)
        {
            LogRootKeyOnline(logger, services.GetRequiredService<CaStore>().Directory);
        }
        // Several nodes hold one OCSP signer: adopt a newer one another node renewed, or share ours.
        await services.GetRequiredService<CaRenewal>().RenewDueAsync(cancellationToken);
        // Alone on SQLite, every unfinished issuance is a crash's; on a server another node may be issuing right now.
        var ledger = services.GetRequiredService<EfIssuanceLedger>();
        var abandoned = services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.Database.Provider == DatabaseProvider.Sqlite
            ? await ledger.AbandonUnfinishedAsync(cancellationToken)
            : await ledger.AbandonStaleAsync(EfIssuanceLedger.IssuanceGrace, cancellationToken);
        var crl = services.GetRequiredService<CrlPublisher>();
        if (abandoned > 0)
        {
            LogAbandoned(logger, abandoned);
            await crl.PublishAsync("system", cancellationToken);
        }
        await crl.EnsureFreshAsync(cancellationToken);
        // The audit log's head is anchored outside the database from the first start on.
        await using (var db = await services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            await services.GetRequiredService<AuditAnchor>().CheckpointAsync(db, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated a new CA: issuing CA {Subject} ({Thumbprint})")]
    private static partial void LogCaCreated(ILogger logger, string subject, string thumbprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The root CA key is online in {Directory}: take it offline with 'ca root take-offline --out FILE' and keep the file in a safe")]
    private static partial void LogRootKeyOnline(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} issuance(s) did not finish before the last stop; their serials are now listed as revoked")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
