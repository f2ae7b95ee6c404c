using System.Security.Cryptography;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Enrollment.Web.Tests.Features.Authority;

/// <summary>
/// The security review's attack: a copy of the data directory and a short program, nothing else.
/// In the production configuration (HSM or passphrase, sealed key ring) it yields no CA key, no
/// TOTP secret and no key ring key; in the development default it yields all three, which shows
/// the attack below is a real one.
/// </summary>
public sealed class DataDirectoryCopyTests : IDisposable
{
    private const string Passphrase = "a passphrase kept outside the data directory";
    private readonly TemporaryDirectory files = new();

    [Fact]
    public async Task Copy_OfAProductionDataDirectoryWithAPassphrase_YieldsNoCaKeyNoTotpSecretNoRingKey()
    {
        var copy = await CopyAfterUseAsync("--environment=Production", $"--Enrollment:Ca:KeyPassphrase={Passphrase}");
        AssertRingSealedWith(copy, "passphrase-aes-gcm");

        var loot = Attack(copy);

        Assert.Equal((0, 0, 0), (loot.CaKeys.Count, loot.TotpSecrets.Count, loot.UsableRingKeys));
    }

    [Fact]
    public async Task Copy_OfAProductionDataDirectoryWithAnHsm_YieldsNoCaKeyNoTotpSecretNoRingKey()
    {
        var token = SoftHsm.NewToken();
        var copy = await CopyAfterUseAsync("--environment=Production",
            $"--Enrollment:Ca:Hsm:Library={token.Library}", $"--Enrollment:Ca:Hsm:TokenLabel={token.TokenLabel}",
            $"--Enrollment:Ca:Hsm:PinFile={files.Write("pin", token.Pin)}");
        AssertRingSealedWith(copy, "pkcs11-aes-gcm");

        var loot = Attack(copy);

        Assert.Equal((0, 0, 0), (loot.CaKeys.Count, loot.TotpSecrets.Count, loot.UsableRingKeys));
    }

    [Fact]
    public async Task Copy_OfADevelopmentDataDirectory_YieldsTheCaKeysTheTotpSecretAndTheRingKey_TheAttackIsReal()
    {
        var copy = await CopyAfterUseAsync();

        var loot = Attack(copy);

        Assert.Equal(["issuing.key", "ocsp.key", "root.key"], loot.CaKeys.Order());
        Assert.Single(loot.TotpSecrets);
        Assert.True(loot.UsableRingKeys > 0);
    }

    [Fact]
    public async Task Production_WithNeitherHsmNorPassphrase_RefusesToStart_NamingBothSettings()
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => RunningPortal.StartAsync("--environment=Production", PortalDatabases.SqliteFile));

        Assert.Contains("Enrollment:Ca:Hsm:Library", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Enrollment:Ca:KeyPassphrase", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_WarnsAtStartAndOnTheHealthPageWhileTheRootKeyIsOnline_AndNoLongerOnceItIsGone_DevelopmentNever()
    {
        using var data = new TemporaryDirectory();
        string[] production = ["--environment=Production", $"--Enrollment:Ca:KeyPassphrase={Passphrase}", PortalDatabases.SqliteFile];
        using var logs = new CapturedLogs();
        await using (var portal = await RunningPortal.RestartAsync(data, builder => builder.Logging.AddProvider(logs), production))
        {
            var keys = portal.Services.GetRequiredService<Web.Features.Authority.CaKeyCustody>().Describe();
            Assert.True(keys.RootKeyOnline);
            Assert.Contains(Web.Features.Admin.Health.CaHealthEvaluator.CheckKeys(keys), f => f.Code == "root.online");
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("The root CA key is online", StringComparison.Ordinal));
        }
        // What 'ca root take-offline' leaves (the verb itself: OfflineRootVerbTests).
        File.Delete(Path.Combine(data.File("data"), "ca", "root.key"));
        using var laterLogs = new CapturedLogs();
        await using (var portal = await RunningPortal.RestartAsync(data, builder => builder.Logging.AddProvider(laterLogs), production))
        {
            var keys = portal.Services.GetRequiredService<Web.Features.Authority.CaKeyCustody>().Describe();
            Assert.False(keys.RootKeyOnline);
            Assert.DoesNotContain(laterLogs.Entries, e => e.Message.Contains("The root CA key is online", StringComparison.Ordinal));
            Assert.Empty(Web.Features.Admin.Health.CaHealthEvaluator.CheckKeys(keys));
        }
        await using (var development = await RunningPortal.StartAsync(PortalDatabases.SqliteFile))
        {
            var keys = development.Services.GetRequiredService<Web.Features.Authority.CaKeyCustody>().Describe();
            Assert.True(keys.RootKeyOnline);
            Assert.Empty(Web.Features.Admin.Health.CaHealthEvaluator.CheckKeys(keys));
        }
    }

    /// <summary>A portal used as in production (a user with a second factor, a signed-in session), stopped, its data directory copied.</summary>
    private async Task<string> CopyAfterUseAsync(params string[] settings)
    {
        using var data = new TemporaryDirectory();
        await using (var portal = await RunningPortal.RestartAsync(data, [.. settings, PortalDatabases.SqliteFile]))
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var user = new EnrollmentUser { UserName = "victim@example.com", Email = "victim@example.com", EmailConfirmed = true, DisplayName = "Victim" };
            Assert.True((await users.CreateAsync(user, "correct horse battery staple")).Succeeded);
            await users.ResetAuthenticatorKeyAsync(user);
            using var session = await PortalSession.SignInAsync(portal, "victim@example.com", "correct horse battery staple");
        }
        var copy = files.File($"copy-{Guid.NewGuid():N}");
        TemporaryDirectory.Copy(data.File("data"), copy);
        return copy;
    }

    private static void AssertRingSealedWith(string copy, string scheme)
    {
        var ring = Directory.GetFiles(Path.Combine(copy, "keys"), "key-*.xml").Select(File.ReadAllText).ToList();
        Assert.NotEmpty(ring);
        Assert.All(ring, key => Assert.Contains($"sealedSecret scheme=\"{scheme}\"", key, StringComparison.Ordinal));
        Assert.All(ring, key => Assert.DoesNotContain("<masterKey", key, StringComparison.Ordinal));
    }

    /// <summary>What the attacker recovers: CA key files opened, TOTP secrets read, key ring keys whose master key is readable.</summary>
    private sealed record Loot(List<string> CaKeys, List<string> TotpSecrets, int UsableRingKeys);

    /// <summary>The attack program, as the review wrote it: the ring beside the data opens the data.</summary>
    private static Loot Attack(string copy)
    {
        var ring = new DirectoryInfo(Path.Combine(copy, "keys"));
        // First the ring's own keys: a provider that cannot use them writes a new one of its own into the copy.
        var keyManager = new ServiceCollection().AddDataProtection().PersistKeysToFileSystem(ring).SetApplicationName("Enrollment")
            .Services.BuildServiceProvider().GetRequiredService<IKeyManager>();
        var usable = keyManager.GetAllKeys().Count(key => Try(() => _ = key.CreateEncryptor() ?? throw new InvalidOperationException("no encryptor")));
        var provider = DataProtectionProvider.Create(ring, builder => builder.SetApplicationName("Enrollment"));
        var caKeys = new List<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(copy, "ca"), "*.key"))
        {
            var content = File.ReadAllBytes(path);
            using var key = ECDsa.Create();
            if (Try(() => key.ImportPkcs8PrivateKey(provider.CreateProtector("Enrollment.Ca.Keys.v1").Unprotect(content), out _))
                || Try(() => key.ImportFromPem(System.Text.Encoding.ASCII.GetString(content))))
            {
                caKeys.Add(Path.GetFileName(path));
            }
        }
        var totpSecrets = new List<string>();
        using (var database = new SqliteConnection($"Data Source={Path.Combine(copy, "enrollment.db")};Mode=ReadOnly;Pooling=False"))
        {
            database.Open();
            using var command = database.CreateCommand();
            command.CommandText = "SELECT Value FROM AspNetUserTokens WHERE Name = 'AuthenticatorKey'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var stored = reader.GetString(0);
                var opened = stored.StartsWith(ProtectedTokenUserStore.SealedPrefix, StringComparison.Ordinal)
                    ? TryGet(() => provider.CreateProtector("Enrollment.UserTokens.v1").Unprotect(stored[ProtectedTokenUserStore.SealedPrefix.Length..]))
                    : stored;
                if (opened is not null)
                {
                    totpSecrets.Add(opened);
                }
            }
        }
        return new Loot(caKeys, totpSecrets, usable);
    }

    private static bool Try(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? TryGet(Func<string> read)
    {
        string? value = null;
        return Try(() => value = read()) ? value : null;
    }

    public void Dispose() => files.Dispose();
}
