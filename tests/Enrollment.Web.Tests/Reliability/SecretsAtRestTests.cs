using System.Text;
using Enrollment.Ca.Authority;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// After sign-in secrets, a second factor, a redeemed recovery code and a server-made pickup, no
/// secret is in the data directory in clear: not the password, the TOTP secret, a recovery code,
/// the PKCS#12 password, the picked-up private key, nor the CA's keys.
/// </summary>
public sealed class SecretsAtRestTests(SqliteFilePortalFixture fixture) : IClassFixture<SqliteFilePortalFixture>
{
    [Fact]
    public async Task AfterAFullFlow_TheDataDirectoryHoldsNoSecretInClear()
    {
        var flow = await SecretFlow.RunAsync(fixture.Portal);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(flow.User.Id))!;
            await users.SetTwoFactorEnabledAsync(stored, true);
            Assert.Equal(9, await users.CountRecoveryCodesAsync(stored));
            Assert.True(await users.VerifyTwoFactorTokenAsync(stored, users.Options.Tokens.AuthenticatorTokenProvider,
                Totp.Code(Totp.DecodeBase32(flow.AuthenticatorKey), Totp.StepAt(DateTimeOffset.UtcNow)).ToString("D6")));
        }
        var authority = fixture.Portal.Services.GetRequiredService<CertificateAuthority>();
        var needles = new Dictionary<string, byte[]>
        {
            ["password"] = Encoding.UTF8.GetBytes(flow.Password),
            ["TOTP secret"] = Encoding.UTF8.GetBytes(flow.AuthenticatorKey),
            ["PKCS#12 password"] = Encoding.UTF8.GetBytes(flow.FilePassword),
            ["picked-up private key"] = flow.PickedUpKey,
            ["issuing CA private key"] = authority.IssuingKey.ExportParameters(true).D!,
            ["OCSP signer private key"] = authority.OcspSignerKey.ExportParameters(true).D!,
        };
        // PEM headers of unencrypted keys, built from their labels (RFC 7468 and SEC 1).
        foreach (var label in new[] { "PRIVATE KEY", "EC PRIVATE KEY" })
        {
            needles[$"unencrypted PEM {label}"] = Encoding.ASCII.GetBytes($"-----BEGIN {label}-----");
        }
        foreach (var (code, index) in flow.RecoveryCodes.Select((c, i) => (c, i)))
        {
            needles[$"recovery code {index + 1}"] = Encoding.UTF8.GetBytes(code);
        }

        var found = Directory.EnumerateFiles(fixture.Portal.DataDirectory, "*", SearchOption.AllDirectories)
            .SelectMany(file => needles.Where(n => ContentOf(file).AsSpan().IndexOf(n.Value) >= 0)
                .Select(n => $"{n.Key} in {Path.GetRelativePath(fixture.Portal.DataDirectory, file)}"))
            .ToList();

        Assert.Empty(found);
        Assert.NotEmpty(Directory.EnumerateFiles(fixture.Portal.DataDirectory, "enrollment.db*"));
    }

    [Fact]
    public async Task SecondFactorTokens_AreStoredSealed_AndStillWork()
    {
        var (_, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        await users.ResetAuthenticatorKeyAsync(stored);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 3))!.ToList();

        var raw = RawTokens(user.Id);

        Assert.Equal(2, raw.Count);
        Assert.All(raw, value => Assert.StartsWith(ProtectedTokenUserStore.SealedPrefix, value, StringComparison.Ordinal));
        Assert.DoesNotContain(raw, value => value.Contains(codes[0], StringComparison.Ordinal));
        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[1])).Succeeded);
        Assert.False((await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[1])).Succeeded);
        Assert.Equal(2, await users.CountRecoveryCodesAsync(stored));
    }

    private List<string> RawTokens(string userId)
    {
        using var connection = new SqliteConnection(Data.Sqlite.SqliteSetup.ConnectionString(Path.Combine(fixture.Portal.DataDirectory, "enrollment.db")));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT Value FROM AspNetUserTokens WHERE UserId = $id";
        command.Parameters.AddWithValue("$id", userId);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>
    /// A file's bytes; a temporary file the running portal renamed away meanwhile (the audit
    /// checkpoint is rewritten every second) reads as empty: what it held is in the file it became.
    /// </summary>
    private static byte[] ContentOf(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }
}
