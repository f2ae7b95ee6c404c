using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Enrollment.Data.Sqlite;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Features.Backup;

/// <summary>What a backup holds, and the settings the restored data depends on.</summary>
public sealed record BackupManifest(DateTimeOffset CreatedAt, IReadOnlyList<BackupFile> Files, BackupConfiguration Configuration);

public sealed record BackupFile(string Path, long Length, string Sha256);

/// <summary>
/// The settings that must match the backed-up data on the machine it is restored to. Secrets (the
/// CA key passphrase, the token PIN) are never in the archive: the operator brings them.
/// </summary>
public sealed record BackupConfiguration(
    string PublicBaseUrl, string PortalUrl, string Organization, int IssuingKeyBits, string? CaKeyProtection,
    string? HsmLibrary, string? HsmTokenLabel, bool KeyRingSealed);

/// <summary>
/// One consistent, encrypted archive of a data directory while the portal runs, and its restoration
/// on a fresh machine (docs/operations.md, "Backup and restore").
/// </summary>
public static class DataDirectoryBackup
{
    private const string ManifestEntry = "manifest.json";
    private const string DatabaseFile = "enrollment.db";

    /// <summary>
    /// In this order: the audit checkpoint before the database (a checkpoint never vouches for more
    /// events than the copied log holds), the CA, key ring and TLS files, then the database through
    /// SQLite's online backup. Mail drops and the bootstrap password stay out.
    /// </summary>
    private static readonly string[] Folders = ["audit", "ca", "keys", "tls"];

    public static BackupManifest Write(EnrollmentOptions options, CaOptions ca, string archivePath, string passphrase, DateTimeOffset now)
    {
        var dataDirectory = options.PathOf();
        if (options.Database.Provider != Data.DatabaseProvider.Sqlite)
        {
            // One consistent archive needs the database's own online backup; for a server that is its tools.
            throw new BackupException(
                $"The records are on {options.Database.Provider}: back the database up with the server's own tools. This verb archives the SQLite default.");
        }
        if (File.Exists(archivePath))
        {
            throw new BackupException($"The file {archivePath} exists already; choose a new name.");
        }
        var staging = Path.Combine(dataDirectory, $".backup-{Guid.NewGuid():N}");
        DataFiles.CreateOwnerOnlyDirectory(staging);
        try
        {
            var zipPath = Path.Combine(staging, "backup.zip");
            var files = new List<BackupFile>();
            BackupManifest manifest;
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                foreach (var folder in Folders)
                {
                    var path = Path.Combine(dataDirectory, folder);
                    if (!Directory.Exists(path))
                    {
                        continue;
                    }
                    foreach (var file in Directory.GetFiles(path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order())
                    {
                        files.Add(Add(zip, file, Path.GetRelativePath(dataDirectory, file).Replace('\\', '/')));
                    }
                }
                var database = Path.Combine(staging, DatabaseFile);
                SqliteBackup.Copy(Path.Combine(dataDirectory, DatabaseFile), database);
                files.Add(Add(zip, database, DatabaseFile));
                manifest = new BackupManifest(now, files, ConfigurationOf(options, ca, dataDirectory));
                using var entry = zip.CreateEntry(ManifestEntry).Open();
                JsonSerializer.Serialize(entry, manifest);
            }
            var temporary = archivePath + ".tmp";
            var createOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                createOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var plaintext = File.OpenRead(zipPath))
            using (var output = new FileStream(temporary, createOptions))
            {
                EncryptedArchive.Encrypt(plaintext, output, passphrase);
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary, archivePath);
            return manifest;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// Rebuilds a data directory from an archive. The target must not exist or be empty: nothing is
    /// overwritten. Everything is decrypted, checked against the manifest and extracted beside the
    /// target first; the target appears only when all of it holds.
    /// </summary>
    public static BackupManifest Restore(string archivePath, string targetDirectory, string passphrase)
    {
        var target = Path.GetFullPath(targetDirectory);
        if (File.Exists(target) || Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new BackupException($"{target} exists and is not empty: restore into a new directory; nothing was changed.");
        }
        if (!File.Exists(archivePath))
        {
            throw new BackupException($"The file {archivePath} does not exist.");
        }
        var staging = $"{target}.restoring-{Guid.NewGuid():N}";
        DataFiles.CreateOwnerOnlyDirectory(staging);
        try
        {
            var zipPath = Path.Combine(staging, "backup.zip");
            using (var input = File.OpenRead(archivePath))
            using (var plaintext = new FileStream(zipPath, FileMode.CreateNew, FileAccess.Write))
            {
                EncryptedArchive.Decrypt(input, plaintext, passphrase);
            }
            var manifest = Read(zipPath);
            var restored = Path.Combine(staging, "data");
            DataFiles.CreateOwnerOnlyDirectory(restored);
            using (var zip = ZipFile.OpenRead(zipPath))
            {
                foreach (var file in manifest.Files)
                {
                    Extract(zip, file, restored);
                }
            }
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }
            Directory.Move(restored, target);
            return manifest;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            throw new BackupException($"The backup's content is not what a backup holds ({e.Message}); nothing was restored.");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static BackupFile Add(ZipArchive zip, string path, string name)
    {
        var content = File.ReadAllBytes(path);
        using (var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open())
        {
            entry.Write(content);
        }
        return new BackupFile(name, content.Length, Convert.ToHexString(SHA256.HashData(content)));
    }

    private static void Extract(ZipArchive zip, BackupFile file, string directory)
    {
        // Only names the backup writes: relative, under the data directory, no way out of it.
        var relative = file.Path.Replace('/', Path.DirectorySeparatorChar);
        var destination = Path.GetFullPath(Path.Combine(directory, relative));
        if (Path.IsPathRooted(relative) || !destination.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BackupException($"The backup names a file outside the data directory ({file.Path}); nothing was restored.");
        }
        var entry = zip.GetEntry(file.Path) ?? throw new BackupException($"The backup lacks {file.Path}; nothing was restored.");
        using var memory = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(memory);
        }
        var content = memory.ToArray();
        if (content.Length != file.Length || Convert.ToHexString(SHA256.HashData(content)) != file.Sha256)
        {
            throw new BackupException($"{file.Path} in the backup does not match its manifest; nothing was restored.");
        }
        DataFiles.CreateOwnerOnlyDirectory(Path.GetDirectoryName(destination)!);
        DataFiles.WriteWhole(destination, content, ownerOnly: true);
    }

    private static BackupManifest Read(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = (zip.GetEntry(ManifestEntry) ?? throw new BackupException("The backup has no manifest; nothing was restored.")).Open();
        return JsonSerializer.Deserialize<BackupManifest>(stream) ?? throw new BackupException("The backup's manifest is empty.");
    }

    private static BackupConfiguration ConfigurationOf(EnrollmentOptions options, CaOptions ca, string dataDirectory)
    {
        var scheme = Path.Combine(dataDirectory, "ca", "key-protection");
        return new BackupConfiguration(options.PublicBaseUrl, options.PortalUrl, options.Organization, ca.IssuingKeyBits,
            File.Exists(scheme) ? File.ReadAllText(scheme).Trim() : null, ca.Hsm.Library, ca.Hsm.TokenLabel,
            KeyRingSealed: ca.Hsm.Enabled || ca.KeyPassphrase is { Length: > 0 });
    }
}
