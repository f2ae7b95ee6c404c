using System.CommandLine;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Backup;
using Enrollment.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.CommandLine;

/// <summary><c>backup</c> and <c>restore</c>: one encrypted archive of the data directory, taken while the portal runs.</summary>
internal static class BackupVerbs
{
    private const string DefaultPassphraseVariable = "ENROLLMENT_BACKUP_PASSPHRASE";

    public static IEnumerable<Command> Create()
    {
        var passphrase = new Option<string>("--passphrase-env")
        {
            Description = $"Environment variable that holds the archive's passphrase (default {DefaultPassphraseVariable})",
            DefaultValueFactory = _ => DefaultPassphraseVariable,
        };
        var outFile = new Option<FileInfo>("--out") { Description = "The archive to write (must not exist)", Required = true };
        var backup = new Command("backup", "Write the database, CA files, key ring and settings into one encrypted archive; the portal may keep running.")
        {
            outFile, passphrase,
        };
        backup.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            var archive = parsed.GetRequiredValue(outFile).FullName;
            var manifest = DataDirectoryBackup.Write(services.GetRequiredService<IOptions<EnrollmentOptions>>().Value,
                services.GetRequiredService<IOptions<CaOptions>>().Value, archive, PassphraseFrom(parsed.GetRequiredValue(passphrase)),
                services.GetRequiredService<TimeProvider>().GetUtcNow());
            await AdminCommandLine.AuditAsync(services, "data.backed-up", "data", $"{archive}; {manifest.Files.Count} files");
            await output.WriteLineAsync($"Wrote {archive}: {manifest.Files.Count} files, taken {manifest.CreatedAt:u}.");
            return 0;
        }));

        var fromFile = new Option<FileInfo>("--from") { Description = "The archive written by 'backup'", Required = true };
        var restore = new Command("restore", "Rebuild a data directory (--data-dir, new or empty) from an archive.") { fromFile, passphrase };
        restore.SetAction(async (parsed, _) =>
        {
            var error = parsed.InvocationConfiguration.Error;
            if (parsed.GetValue(AdminCommandLine.DataDirectory) is not { } target)
            {
                return await AdminCommandLine.FailAsync(error, "restore needs --data-dir: the new directory to restore into.");
            }
            BackupManifest manifest;
            try
            {
                manifest = DataDirectoryBackup.Restore(parsed.GetRequiredValue(fromFile).FullName, target, PassphraseFrom(parsed.GetRequiredValue(passphrase)));
            }
            catch (BackupException e)
            {
                return await AdminCommandLine.FailAsync(error, e.Message);
            }
            // Then the restored directory is opened as the portal will open it (the settings below must be in place).
            return await AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, async (services, output, _) =>
            {
                var floor = await RaiseCrlNumberAsync(services);
                // The CRL in the backup may be older than one published since: a new one, numbered above all of them.
                await services.GetRequiredService<Features.Publication.CrlPublisher>().PublishAsync(AdminCommandLine.Actor, CancellationToken.None);
                await AdminCommandLine.AuditAsync(services, "data.restored", "data", $"from backup taken {manifest.CreatedAt:O}; CRL numbers continue above {floor}");
                var c = manifest.Configuration;
                await output.WriteLineAsync($"""
                    Restored {manifest.Files.Count} files from the backup taken {manifest.CreatedAt:u} into {target}.
                    A new CRL was published, numbered above {floor}.
                    Start the portal with the settings the data was made with:
                      Enrollment:PublicBaseUrl   {c.PublicBaseUrl}
                      Enrollment:PortalUrl       {c.PortalUrl}
                      Enrollment:Organization    {c.Organization}
                      CA keys sealed with        {c.CaKeyProtection}
                      Enrollment:Ca:Hsm          {(c.HsmLibrary is null ? "(none)" : $"{c.HsmLibrary}, token {c.HsmTokenLabel}")}
                      Key ring sealed            {(c.KeyRingSealed ? "yes: the same passphrase or token is needed" : "no")}
                    """);
                return 0;
            });
        });
        return [backup, restore];
    }

    private static string PassphraseFrom(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: >= EncryptedArchive.MinimumPassphraseLength } value
            ? value
            : throw new BackupException($"Set the archive's passphrase ({EncryptedArchive.MinimumPassphraseLength} characters or more) in the environment variable {variable}.");

    /// <summary>
    /// CRLs published after the backup are unknown here, and a CRL number must never go back (RFC 5280
    /// 5.2.3): the counter is raised to the time in milliseconds, more than the portal could ever have published.
    /// </summary>
    private static async Task<long> RaiseCrlNumberAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync();
        var floor = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        await CaCounter.RaiseAsync(db, CaCounter.CrlNumber, floor, CancellationToken.None);
        return await CaCounter.ReadAsync(db, CaCounter.CrlNumber, CancellationToken.None);
    }
}
