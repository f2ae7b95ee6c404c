using Enrollment.Data;
using Enrollment.Data.Sqlite;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.CommandLine;

/// <summary>The admin verbs, run in-process on a fresh data directory as an operator would run them.</summary>
public sealed class AdminCommandLineTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    private string DataDirectory => directory.File("data");

    [Fact]
    public async Task CaInit_Twice_IsIdempotentAndShowsFingerprints()
    {
        var first = await RunAsync("ca", "init");
        var second = await RunAsync("ca", "init");
        var shown = await RunAsync("ca", "show");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Root CA", first.Output, StringComparison.Ordinal);
        Assert.Equal(Fingerprints(first.Output), Fingerprints(second.Output));
        Assert.Equal(Fingerprints(first.Output), Fingerprints(shown.Output));
        Assert.Equal(3, Fingerprints(first.Output).Count);
    }

    [Fact]
    public async Task CaShow_BeforeInit_FailsWithAClearMessage()
    {
        var result = await RunAsync("ca", "show");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("run 'ca init'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueAndRevoke_WithSerialInAnotherCase_WorkEndToEndAndOpenSslAgrees()
    {
        await RunAsync("ca", "init");
        Assert.Equal(0, (await RunAsync("users", "add", "--email", "bob@example.com", "--name", "Bob Example", "--employee-id", "E2002", "--role", "Approver")).ExitCode);
        var (csr, _) = Csrs.Make(directory, "bob", "RSA-2048", "/CN=Forged Name/O=Forged");
        var pem = directory.File("bob.pem");

        var issued = await RunAsync("certs", "issue", "--user", "bob@example.com", "--csr", csr, "--out", pem);
        var serial = System.Text.RegularExpressions.Regex.Match(issued.Output, "serial ([0-9A-F]+)").Groups[1].Value;
        var typed = string.Join(':', serial.ToLowerInvariant().Chunk(2).Select(c => new string(c)));
        var revoked = await RunAsync("certs", "revoke", "--serial", typed, "--reason", "keyCompromise");
        var again = await RunAsync("certs", "revoke", "--serial", serial, "--reason", "superseded");

        Assert.Equal(0, issued.ExitCode);
        var subject = OpenSsl.Ok(directory.Path, "x509", "-in", pem, "-noout", "-subject", "-nameopt", "RFC2253");
        Assert.Equal("subject=serialNumber=E2002,CN=Bob Example,O=Enrollment", subject.Trim());
        OpenSsl.Ok(directory.Path, "verify", "-CAfile", Path.Combine(DataDirectory, "ca", "root.crt"), "-untrusted", pem, pem);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains($"Revoked {serial} (keyCompromise)", revoked.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already revoked", again.Error, StringComparison.Ordinal);
        var crl = OpenSsl.Ok(directory.Path, "crl", "-inform", "DER", "-in", Path.Combine(DataDirectory, "ca", "issuing.crl"), "-noout", "-text");
        Assert.Contains($"Serial Number: {serial}", crl, StringComparison.Ordinal);
        // BouncyCastle reads the same certificate and CRL: signed by the issuing CA, the serial listed as keyCompromise (1).
        var issuing = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(DataDirectory, "ca", "issuing.crt"))).RawData;
        using var issuedCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pem));
        Assert.Equal(new Org.BouncyCastle.Math.BigInteger(serial, 16), BouncyCastleJudge.Certificate(issuedCertificate.RawData, issuing).Serial);
        Assert.Equal(1, BouncyCastleJudge.Crl(File.ReadAllBytes(Path.Combine(DataDirectory, "ca", "issuing.crl")), issuing).Entries[new Org.BouncyCastle.Math.BigInteger(serial, 16)]);
        Assert.Equal(0, (await RunAsync("audit", "verify")).ExitCode);
    }

    [Theory]
    [InlineData("garbage", "not a valid PKCS#10")]
    [InlineData("RSA-1024", "A RSA 1024 key is not accepted")]
    [InlineData("Ed25519", "A Ed25519 key is not accepted")]
    [InlineData("P-521", "A ECDSA P-521 key is not accepted")]
    [InlineData("oversized", "larger than 16 KiB")]
    public async Task CertsIssue_BadCsr_FailsClearlyAndLeavesTheDatabaseUnchanged(string kind, string message)
    {
        await RunAsync("ca", "init");
        await RunAsync("users", "add", "--email", "carol@example.com", "--name", "Carol", "--employee-id", "E3003");
        var csr = kind switch
        {
            "garbage" => directory.Write("garbage.csr", "-----BEGIN CERTIFICATE REQUEST-----\nMIIBnonsense\n-----END CERTIFICATE REQUEST-----\n"),
            "oversized" => directory.Write("big.csr", new byte[20_000]),
            _ => Csrs.Make(directory, "carol", kind).Csr,
        };
        var before = await CountsAsync();

        var result = await RunAsync("certs", "issue", "--user", "carol@example.com", "--csr", csr, "--out", directory.File("carol.pem"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
        Assert.False(File.Exists(directory.File("carol.pem")));
    }

    [Fact]
    public async Task CertsIssue_UnknownUser_FailsClearlyAndLeavesTheDatabaseUnchanged()
    {
        await RunAsync("ca", "init");
        var (csr, _) = Csrs.Make(directory, "nobody", "P-256");
        var before = await CountsAsync();

        var result = await RunAsync("certs", "issue", "--user", "nobody@example.com", "--csr", csr, "--out", directory.File("x.pem"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("No user has that email address.", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task CertsIssue_UserWithoutEmployeeId_IsRefusedByName()
    {
        await RunAsync("ca", "init");
        await RunAsync("users", "add", "--email", "dave@example.com", "--name", "Dave");
        var (csr, _) = Csrs.Make(directory, "dave", "P-256");

        var result = await RunAsync("certs", "issue", "--user", "dave@example.com", "--csr", csr, "--out", directory.File("d.pem"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("has no employee id", result.Error, StringComparison.Ordinal);
    }

    /// <summary>The way through for a first administrator without an employee ID: set it, and the certificate follows.</summary>
    [Fact]
    public async Task UsersUpdate_GivesAnEmployeeId_ThenTheCertificateIsIssued_AndANameACertificateCannotCarryIsRefused()
    {
        await RunAsync("ca", "init");
        await RunAsync("users", "add", "--email", "dave@example.com", "--name", "Dave");
        var (csr, _) = Csrs.Make(directory, "dave", "P-256");

        var updated = await RunAsync("users", "update", "--email", "dave@example.com", "--employee-id", "E4004", "--name", "Dave Example");
        var refused = await RunAsync("users", "update", "--email", "dave@example.com", "--name", "d.example");
        var unknown = await RunAsync("users", "update", "--email", "nobody@example.com", "--employee-id", "E1");
        var issued = await RunAsync("certs", "issue", "--user", "dave@example.com", "--csr", csr, "--out", directory.File("d.pem"));

        Assert.Equal(0, updated.ExitCode);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("reads as a host name", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No account has the e-mail nobody@example.com", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(0, issued.ExitCode);
        var subject = OpenSsl.Ok(directory.Path, "x509", "-in", directory.File("d.pem"), "-noout", "-subject", "-nameopt", "RFC2253");
        Assert.Contains("CN=Dave Example", subject, StringComparison.Ordinal);
        Assert.Contains("serialNumber=E4004", subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--serial", "not-hex", "--reason", "keyCompromise", "is not a hexadecimal serial number")]
    [InlineData("--serial", "0A0B", "--reason", "certificateHold", "is not a revocation reason")]
    [InlineData("--serial", "0A0B", "--reason", "keyCompromise", "No certificate with serial 0A0B")]
    public async Task CertsRevoke_BadInput_FailsClearly(string o1, string v1, string o2, string v2, string message)
    {
        await RunAsync("ca", "init");

        var result = await RunAsync("certs", "revoke", o1, v1, o2, v2);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_BadOrDuplicateInput_FailsClearly()
    {
        var missing = await RunAsync("users", "add", "--email", "eve@example.com");
        var badId = await RunAsync("users", "add", "--email", "eve@example.com", "--name", "Eve", "--employee-id", "E#1");
        var badRole = await RunAsync("users", "add", "--email", "eve@example.com", "--name", "Eve", "--role", "Root");
        await RunAsync("users", "add", "--email", "eve@example.com", "--name", "Eve", "--employee-id", "E5005");
        var duplicate = await RunAsync("users", "add", "--email", "eve@example.com", "--name", "Eve 2");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--name", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, badId.ExitCode);
        Assert.Contains("employee id may hold only", badId.Error, StringComparison.Ordinal);
        Assert.Equal(1, badRole.ExitCode);
        Assert.Contains("Root", badRole.Error, StringComparison.Ordinal);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("is already taken", duplicate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_WithAPasswordTheOperatorChose_MustChangeItAtFirstSignIn()
    {
        Environment.SetEnvironmentVariable("ENROLLMENT_TEST_INITIAL_PASSWORD", "an operator's initial passphrase");
        var added = await RunAsync("users", "add", "--email", "frank@example.com", "--name", "Frank", "--password-env", "ENROLLMENT_TEST_INITIAL_PASSWORD");
        Environment.SetEnvironmentVariable("ENROLLMENT_TEST_INITIAL_PASSWORD", null);

        Assert.Equal(0, added.ExitCode);
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        SqliteSetup.Configure(options, Path.Combine(DataDirectory, "enrollment.db"));
        await using var db = new EnrollmentDbContext(options.Options);
        Assert.True((await db.Users.SingleAsync(u => u.Email == "frank@example.com")).MustChangePassword);
    }

    [Fact]
    public async Task UsersAdd_WithANameHoldingADirectionOverride_FailsClearly()
    {
        var added = await RunAsync("users", "add", "--email", "mallory@example.com", "--name", "Mallory\u202Etxt.exe");

        Assert.Equal(1, added.ExitCode);
        Assert.Contains("text-direction", added.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrlPublish_Twice_IncreasesTheNumber()
    {
        var first = await RunAsync("crl", "publish");
        var second = await RunAsync("crl", "publish");

        Assert.Matches("Published CRL number [0-9]+", first.Output);
        Assert.True(Number(second.Output) > Number(first.Output));

        static int Number(string text) => int.Parse(System.Text.RegularExpressions.Regex.Match(text, "number ([0-9]+)").Groups[1].Value);
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var result = await RunAsync("ca", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("init", result.Output, StringComparison.Ordinal);
        Assert.Contains("import", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Where the portal's database user may not change the schema: the operator migrates, the portal only checks.</summary>
    [Fact]
    public async Task DbMigrate_ThenAStartThatDoesNotMigrate_Starts_WhileBeforeItTheStartIsRefusedNamingTheVerb()
    {
        const string noMigration = "--Enrollment:Database:MigrateOnStart=false";
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningPortal.RestartAsync(directory, noMigration));

        var migrated = await RunAsync("db", "migrate");
        var again = await RunAsync("db", "migrate");
        await using var portal = await RunningPortal.RestartAsync(directory, noMigration);

        Assert.Contains("run 'db migrate'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, migrated.ExitCode);
        Assert.Matches("Applied [0-9]+ migration\\(s\\): [0-9]+_Initial", migrated.Output);
        Assert.Contains("up to date", again.Output, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = portal.Http };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
    }

    [Fact]
    public async Task DbScript_WritesTheSchemaForTheDba()
    {
        var script = directory.File("schema.sql");

        var result = await RunAsync("db", "script", "--out", script);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("CREATE TABLE \"CrlPublications\"", File.ReadAllText(script), StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE \"AuditEvents\"", File.ReadAllText(script), StringComparison.Ordinal);
    }

    private Task<CommandResult> RunAsync(params string[] args) => AdminVerbs.RunAsync([.. args, "--data-dir", DataDirectory]);

    private async Task<(int Certificates, int Audit)> CountsAsync()
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        SqliteSetup.Configure(options, Path.Combine(DataDirectory, "enrollment.db"));
        await using var db = new EnrollmentDbContext(options.Options);
        var counts = (await db.Certificates.CountAsync(), await db.AuditEvents.CountAsync());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return counts;
    }

    private static List<string> Fingerprints(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, "SHA-256: +([0-9A-F]{64})").Select(m => m.Groups[1].Value).ToList();

    public void Dispose() => directory.Dispose();
}
