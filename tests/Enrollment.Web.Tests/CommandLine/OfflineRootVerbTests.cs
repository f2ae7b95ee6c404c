using Enrollment.Ca.Revocation;
using Enrollment.Testing;
using Enrollment.Web.CommandLine;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.CommandLine;

/// <summary>The root key kept offline: created or taken there by a verb, brought back to sign the root's next CRL.</summary>
public sealed class OfflineRootVerbTests : IDisposable
{
    private const string Passphrase = "a long passphrase for the safe";
    private readonly TemporaryDirectory directory = new();
    private readonly string variable = $"ENROLLMENT_TEST_ROOT_PASSPHRASE_{Guid.NewGuid():N}";

    public OfflineRootVerbTests() => Environment.SetEnvironmentVariable(variable, Passphrase);

    private string DataDirectory => directory.File("data");

    private string CaFile(string name) => Path.Combine(DataDirectory, "ca", name);

    [Fact]
    public async Task InitWithOfflineRoot_LeavesNoRootKeyInTheDataDirectory_AndOpenSslReadsTheKeyFileAndTheChainAndCrl()
    {
        var keyFile = directory.File("safe/root-key.pem");
        Directory.CreateDirectory(directory.File("safe"));

        var result = await RunAsync("ca", "init", "--offline-root", keyFile, "--passphrase-env", variable);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.False(File.Exists(CaFile("root.key")));
        Assert.DoesNotContain(Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories), f => Path.GetFileName(f) == "root.key");
        var pem = File.ReadAllText(keyFile);
        Assert.Equal("ENCRYPTED PRIVATE KEY", pem[System.Security.Cryptography.PemEncoding.Find(pem).Label]);
        // The file opens with the passphrase alone, and holds the key of the root the portal serves.
        var publicFromKey = OpenSsl.Ok(directory.Path, "pkey", "-in", keyFile, "-passin", $"env:{variable}", "-pubout");
        var publicFromRoot = OpenSsl.Ok(directory.Path, "x509", "-in", CaFile("root.crt"), "-noout", "-pubkey");
        Assert.Equal(publicFromRoot, publicFromKey);
        Assert.Contains("OK", OpenSsl.Ok(directory.Path, "verify", "-CAfile", CaFile("root.crt"), CaFile("issuing.crt")), StringComparison.Ordinal);
        Assert.Contains("verify OK", OpenSsl.Run(directory.Path, "crl", "-inform", "DER", "-in", CaFile("root.crl"), "-CAfile", CaFile("root.crt"), "-noout").All, StringComparison.Ordinal);
        Assert.Equal(1, (int)CrlInfo.Read(File.ReadAllBytes(CaFile("root.crl"))).Number);
    }

    [Fact]
    public async Task RootCrl_SignedLaterWithTheKeyFile_VerifiesRisesInNumberAndLastsAsAsked()
    {
        var keyFile = directory.File("root-key.pem");
        await RunAsync("ca", "init", "--offline-root", keyFile, "--passphrase-env", variable);

        var result = await RunAsync("ca", "root", "crl", "--root-key", keyFile, "--passphrase-env", variable, "--root-crl-days", "180");

        Assert.True(result.ExitCode == 0, result.All);
        var crl = CrlInfo.Read(File.ReadAllBytes(CaFile("root.crl")));
        Assert.Equal(2, (int)crl.Number);
        Assert.Equal(TimeSpan.FromDays(180), crl.NextUpdate - crl.ThisUpdate);
        Assert.Contains("verify OK", OpenSsl.Run(directory.Path, "crl", "-inform", "DER", "-in", CaFile("root.crl"), "-CAfile", CaFile("root.crt"), "-noout").All, StringComparison.Ordinal);
        Assert.False(File.Exists(CaFile("root.key")));
    }

    [Fact]
    public async Task RootCrl_WithTheWrongPassphrase_IsRefusedClearly_AndTheCrlStaysAsItWas()
    {
        var keyFile = directory.File("root-key.pem");
        await RunAsync("ca", "init", "--offline-root", keyFile, "--passphrase-env", variable);
        var before = File.ReadAllBytes(CaFile("root.crl"));
        var wrong = $"{variable}_WRONG";
        Environment.SetEnvironmentVariable(wrong, "not the passphrase at all");

        var result = await RunAsync("ca", "root", "crl", "--root-key", keyFile, "--passphrase-env", wrong);

        Assert.Equal(AdminCommandLine.Refused, result.ExitCode);
        Assert.Contains("does not open with the given passphrase", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(CaFile("root.crl")));
    }

    [Fact]
    public async Task TakeOffline_OfAnOnlineRoot_MovesTheKeyToTheFile_AndSignsAFreshRootCrl()
    {
        Assert.Equal(0, (await RunAsync("ca", "init")).ExitCode);
        Assert.True(File.Exists(CaFile("root.key")));
        var keyFile = directory.File("root-key.pem");

        var result = await RunAsync("ca", "root", "take-offline", "--out", keyFile, "--passphrase-env", variable, "--root-crl-days", "365");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.False(File.Exists(CaFile("root.key")));
        var crl = CrlInfo.Read(File.ReadAllBytes(CaFile("root.crl")));
        Assert.Equal(2, (int)crl.Number);
        Assert.Equal(TimeSpan.FromDays(365), crl.NextUpdate - crl.ThisUpdate);
        Assert.Equal(OpenSsl.Ok(directory.Path, "x509", "-in", CaFile("root.crt"), "-noout", "-pubkey"),
            OpenSsl.Ok(directory.Path, "pkey", "-in", keyFile, "-passin", $"env:{variable}", "-pubout"));
        var again = await RunAsync("ca", "root", "take-offline", "--out", directory.File("again.pem"), "--passphrase-env", variable);
        Assert.Contains("not in this data directory", again.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("")]
    public async Task TakeOffline_WithAShortPassphrase_IsRefused_AndTheRootKeyStays(string passphrase)
    {
        await RunAsync("ca", "init");
        Environment.SetEnvironmentVariable(variable, passphrase);
        var keyFile = directory.File("root-key.pem");

        var result = await RunAsync("ca", "root", "take-offline", "--out", keyFile, "--passphrase-env", variable);

        Assert.Equal(AdminCommandLine.Refused, result.ExitCode);
        Assert.Contains("at least 12 characters", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(CaFile("root.key")));
        Assert.False(File.Exists(keyFile));
    }

    [Fact]
    public async Task TakeOffline_IntoTheDataDirectory_IsRefused()
    {
        await RunAsync("ca", "init");

        var result = await RunAsync("ca", "root", "take-offline", "--out", Path.Combine(DataDirectory, "root-key.pem"), "--passphrase-env", variable);

        Assert.Contains("outside the data directory", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(CaFile("root.key")));
    }

    private Task<CommandResult> RunAsync(params string[] args) => AdminVerbs.RunAsync([.. args, "--data-dir", DataDirectory]);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(variable, null);
        directory.Dispose();
    }
}
