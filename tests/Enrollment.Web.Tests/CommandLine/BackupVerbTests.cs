using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Testing;
using Enrollment.Web.CommandLine;
using Enrollment.Web.Features.Backup;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.CommandLine;

/// <summary><c>backup</c> while the portal issues and revokes, and <c>restore</c> on a fresh directory; bad archives refused.</summary>
public sealed class BackupVerbTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly TemporaryDirectory files = new();
    private readonly string variable = $"ENROLLMENT_TEST_BACKUP_{Guid.NewGuid():N}";

    public BackupVerbTests() => Environment.SetEnvironmentVariable(variable, "the backup's own passphrase");

    [Fact]
    public async Task Backup_DuringBulkIssuanceAndRevocation_RestoresEveryCommittedCertificateAndRevocation_CrlRises_NoSerialReused_OcspTheSame()
    {
        var archive = files.File("enrollment.backup");
        var issued = new ConcurrentDictionary<string, X509Certificate2>();
        var revoked = new ConcurrentDictionary<string, bool>();
        Dictionary<string, bool> committedBeforeBackup;
        System.Numerics.BigInteger lastCrlBeforeTheLoss;
        string issuingPem, chainPem;
        await using (var portal = await RunningPortal.StartAsync(PortalDatabases.SqliteFile))
        {
            var authority = portal.Services.GetRequiredService<CertificateAuthority>();
            issuingPem = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
            chainPem = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
            var (user, _) = await PortalUsers.WithCertificateAsync(portal, "bulk@example.com", Password);
            using var stop = new CancellationTokenSource();
            var load = Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    await using var scope = portal.Services.CreateAsyncScope();
                    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                    var result = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(user, new PublicKey(key), null, default);
                    var serial = SerialNumber.Canonicalize(result.Certificate!.SerialNumber);
                    issued[serial] = result.Certificate;
                    if (i % 3 == 0)
                    {
                        await portal.Services.GetRequiredService<RevocationService>().RevokeAsync(serial, RevocationReason.KeyCompromise, "test", null, default);
                        revoked[serial] = true;
                    }
                }
            });
            await Task.Delay(TimeSpan.FromSeconds(1));
            // What is committed when the backup starts must all come back; what follows may or may not.
            committedBeforeBackup = issued.Keys.ToDictionary(serial => serial, revoked.ContainsKey);

            var backup = await RunAsync("backup", "--out", archive, "--passphrase-env", variable, "--data-dir", portal.DataDirectory);

            await Task.Delay(TimeSpan.FromSeconds(0.5));
            await stop.CancelAsync();
            await load;
            Assert.True(backup.ExitCode == 0, backup.All);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive));
            await portal.Services.GetRequiredService<CrlPublisher>().PublishAsync("test", default);
            lastCrlBeforeTheLoss = portal.Services.GetRequiredService<CrlPublisher>().Current!.Info.Number;
        }
        Assert.True(committedBeforeBackup.Count >= 5, $"only {committedBeforeBackup.Count} certificates were issued before the backup");
        Assert.Contains(true, committedBeforeBackup.Values);

        using var fresh = new TemporaryDirectory();
        var restore = await RunAsync("restore", "--from", archive, "--passphrase-env", variable, "--data-dir", fresh.File("data"));
        Assert.True(restore.ExitCode == 0, restore.All);
        Assert.Equal(0, (await RunAsync("audit", "verify", "--data-dir", fresh.File("data"))).ExitCode);

        await using var restored = await RunningPortal.RestartAsync(fresh, PortalDatabases.SqliteFile);
        await using (var db = await restored.Services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync())
        {
            var records = await db.Certificates.Select(c => new { c.SerialNumber, c.RevokedAt }).ToDictionaryAsync(c => c.SerialNumber, c => c.RevokedAt);
            foreach (var (serial, wasRevoked) in committedBeforeBackup)
            {
                Assert.True(records.ContainsKey(serial), $"certificate {serial} was committed before the backup but is not restored");
                Assert.True(!wasRevoked || records[serial] is not null, $"the revocation of {serial} was committed before the backup but is not restored");
            }
        }
        var crl = restored.Services.GetRequiredService<CrlPublisher>().Current!;
        Assert.True(crl.Info.Number > lastCrlBeforeTheLoss, $"restored CRL {crl.Info.Number} is not above {lastCrlBeforeTheLoss}");
        var crlText = OpenSsl.Ok(files.Path, "crl", "-inform", "DER", "-in", files.Write("restored.crl", crl.Der), "-noout", "-text");
        Assert.All(committedBeforeBackup.Where(c => c.Value), c => Assert.Contains(c.Key.ToUpperInvariant(), crlText.Replace(":", "").ToUpperInvariant(), StringComparison.Ordinal));
        var (_, newCertificate) = await PortalUsers.WithCertificateAsync(restored, "after-restore@example.com", Password);
        Assert.DoesNotContain(SerialNumber.Canonicalize(newCertificate.SerialNumber), issued.Keys);
        // OCSP, asked by OpenSSL, says what it said for the same certificates before the loss.
        foreach (var (serial, wasRevoked) in committedBeforeBackup.Where(c => c.Value == revoked.ContainsKey(c.Key)).Take(6))
        {
            var leaf = files.Write($"{serial}.pem", issued[serial].ExportCertificatePem());
            var answer = OpenSsl.Run(files.Path, "ocsp", "-issuer", issuingPem, "-cert", leaf, "-CAfile", chainPem,
                "-url", new Uri(restored.Http, "pki/ocsp").AbsoluteUri).All;
            Assert.Contains("Response verify OK", answer, StringComparison.Ordinal);
            Assert.Contains(wasRevoked ? ": revoked" : ": good", answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restore_WithTheWrongPassphrase_IsRefusedClearly_AndCreatesNothing()
    {
        var archive = await BackupOfAFreshPortalAsync();
        Environment.SetEnvironmentVariable(variable, "not the passphrase it was made with");
        var target = files.File("restored");

        var result = await RunAsync("restore", "--from", archive, "--passphrase-env", variable, "--data-dir", target);

        Assert.Equal(AdminCommandLine.Refused, result.ExitCode);
        Assert.Contains("The passphrase does not open this backup.", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetDirectories(files.Path, "restored.restoring-*"));
    }

    [Theory]
    [InlineData("flip", "changed or damaged")]
    [InlineData("cut", "cut off or damaged")]
    [InlineData("extend", "changed or damaged")]
    public async Task Restore_OfATamperedArchive_IsRefusedClearly_AndCreatesNothing(string tampering, string message)
    {
        var archive = await BackupOfAFreshPortalAsync();
        var bytes = File.ReadAllBytes(archive);
        bytes = tampering switch
        {
            "flip" => FlipByte(bytes, bytes.Length / 2),
            "cut" => bytes[..(bytes.Length - 100)],
            _ => [.. bytes, 0, 0, 0, 1, 42],
        };
        File.WriteAllBytes(archive, bytes);
        var target = files.File("restored");

        var result = await RunAsync("restore", "--from", archive, "--passphrase-env", variable, "--data-dir", target);

        Assert.Equal(AdminCommandLine.Refused, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Restore_IntoADirectoryThatHoldsSomething_IsRefused_AndOverwritesNothing()
    {
        var archive = await BackupOfAFreshPortalAsync();
        var target = files.File("existing");
        Directory.CreateDirectory(target);
        var kept = files.Write("existing/enrollment.db", "the operator's own file");

        var result = await RunAsync("restore", "--from", archive, "--passphrase-env", variable, "--data-dir", target);

        Assert.Equal(AdminCommandLine.Refused, result.ExitCode);
        Assert.Contains("is not empty", result.Error, StringComparison.Ordinal);
        Assert.Equal("the operator's own file", File.ReadAllText(kept));
    }

    /// <summary>An archive made with the right passphrase whose manifest names a path out of the data directory (zip slip).</summary>
    [Fact]
    public async Task Restore_OfAnArchiveNamingAPathOutsideTheDataDirectory_IsRefused()
    {
        var zipPath = files.File("evil.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        {
            using (var entry = new StreamWriter(zip.CreateEntry("../escaped.txt").Open()))
            {
                entry.Write("x");
            }
            using var manifest = zip.CreateEntry("manifest.json").Open();
            System.Text.Json.JsonSerializer.Serialize(manifest, new BackupManifest(DateTimeOffset.UtcNow,
                [new BackupFile("../escaped.txt", 1, Convert.ToHexString(SHA256.HashData("x"u8)))],
                new BackupConfiguration("http://a/", "https://a/", "O", 256, null, null, null, false)));
        }
        var archive = files.File("evil.backup");
        using (var input = File.OpenRead(zipPath))
        using (var output = File.Create(archive))
        {
            EncryptedArchive.Encrypt(input, output, Environment.GetEnvironmentVariable(variable)!);
        }

        var result = await RunAsync("restore", "--from", archive, "--passphrase-env", variable, "--data-dir", files.File("target/data"));

        Assert.Contains("outside the data directory", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(files.File("target/escaped.txt")));
        Assert.False(Directory.Exists(files.File("target/data")));
    }

    private async Task<string> BackupOfAFreshPortalAsync()
    {
        var archive = files.File($"backup-{Guid.NewGuid():N}");
        using var data = new TemporaryDirectory();
        await (await RunningPortal.RestartAsync(data, PortalDatabases.SqliteFile)).DisposeAsync();
        var result = await RunAsync("backup", "--out", archive, "--passphrase-env", variable, "--data-dir", data.File("data"));
        Assert.True(result.ExitCode == 0, result.All);
        return archive;
    }

    private static byte[] FlipByte(byte[] bytes, int index)
    {
        bytes[index] ^= 0x01;
        return bytes;
    }

    private static Task<CommandResult> RunAsync(params string[] args) => AdminVerbs.RunAsync(args);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(variable, null);
        files.Dispose();
    }
}
