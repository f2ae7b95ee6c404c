using System.Security.Cryptography;
using Enrollment.Testing;
using Enrollment.Web.Features.Authority.KeyRing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Tests.Features.Authority;

/// <summary>The Data Protection key ring sealed at rest with the CA key passphrase (docs/certificate-authority.md, "The key ring").</summary>
public sealed class KeyRingProtectionTests : IDisposable
{
    private const string Passphrase = "the operator's passphrase";
    private readonly TemporaryDirectory files = new();

    /// <summary>A ring written in clear before protection was configured is sealed in place, and what it sealed still opens.</summary>
    [Fact]
    public async Task SealAndCheck_ARingWrittenInClear_SealsItsMasterKeys_AndEarlierDataStillOpens()
    {
        var keys = files.File("data/keys");
        var sealedBefore = DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("Enrollment"))
            .CreateProtector("test").Protect("a TOTP secret");
        Assert.Contains("<masterKey", File.ReadAllText(Directory.GetFiles(keys, "key-*.xml").Single()), StringComparison.Ordinal);
        var protection = Protection(Passphrase);

        var sealedCount = await protection.SealAndCheckAsync(NoServices);

        var ring = File.ReadAllText(Directory.GetFiles(keys, "key-*.xml").Single());
        Assert.Equal(1, sealedCount);
        Assert.DoesNotContain("<masterKey", ring, StringComparison.Ordinal);
        Assert.Contains("scheme=\"passphrase-aes-gcm\"", ring, StringComparison.Ordinal);
        Assert.Equal("a TOTP secret", Provider(protection).CreateProtector("test").Unprotect(sealedBefore));
        Assert.Equal(0, await protection.SealAndCheckAsync(NoServices));
    }

    [Fact]
    public void NewKeys_AreWrittenSealed()
    {
        var protection = Protection(Passphrase);

        var value = Provider(protection).CreateProtector("test").Protect("secret");

        var ring = File.ReadAllText(Directory.GetFiles(files.File("data/keys"), "key-*.xml").Single());
        Assert.DoesNotContain("<masterKey", ring, StringComparison.Ordinal);
        Assert.Contains("scheme=\"passphrase-aes-gcm\"", ring, StringComparison.Ordinal);
        Assert.Equal("secret", Provider(Protection(Passphrase)).CreateProtector("test").Unprotect(value));
    }

    [Fact]
    public async Task SealAndCheck_WithAnotherPassphrase_RefusesNamingTheSetting()
    {
        Provider(Protection(Passphrase)).CreateProtector("test").Protect("secret");

        var refused = await Assert.ThrowsAnyAsync<CryptographicException>(() => Protection("another passphrase").SealAndCheckAsync(NoServices));

        Assert.Contains("Enrollment:Ca:KeyPassphrase", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portal_RestartedWithAnotherPassphrase_DoesNotStart()
    {
        using var data = new TemporaryDirectory();
        await (await RunningPortal.RestartAsync(data, "--environment=Production", $"--Enrollment:Ca:KeyPassphrase={Passphrase}")).DisposeAsync();

        await Assert.ThrowsAnyAsync<CryptographicException>(
            () => RunningPortal.RestartAsync(data, "--environment=Production", "--Enrollment:Ca:KeyPassphrase=another passphrase"));
    }

    /// <summary>A ring in files needs nothing from the host's services.</summary>
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    private KeyRingProtection Protection(string passphrase) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Enrollment:DataDirectory"] = files.File("data"), ["Enrollment:Ca:KeyPassphrase"] = passphrase,
        }).Build(),
        new ServiceCollection().BuildServiceProvider());

    /// <summary>Data Protection configured as the portal configures it, with this protection.</summary>
    private IDataProtectionProvider Provider(KeyRingProtection protection)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(files.File("data/keys"))).SetApplicationName("Enrollment");
        services.AddSingleton(protection);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, SealKeyRingOptions>();
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    public void Dispose() => files.Dispose();
}
