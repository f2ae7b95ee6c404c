using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Ca.Authority;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// After sign-in secrets, a second factor, a redeemed recovery code and a server-made pickup, no
/// secret is in the data directory in clear: not the password, the TOTP secret, a recovery code,
/// the PKCS#12 password, the picked-up private key, nor the CA's keys.
/// </summary>
public sealed class SecretsAtRestTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";
    private const string FilePassword = "pickup file password that is long";

    [Fact]
    public async Task AfterAFullFlow_TheDataDirectoryHoldsNoSecretInClear()
    {
        var (principal, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        string authenticatorKey;
        List<string> codes;
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            Assert.True((await users.AddPasswordAsync(stored, Password)).Succeeded);
            await users.ResetAuthenticatorKeyAsync(stored);
            await users.SetTwoFactorEnabledAsync(stored, true);
            authenticatorKey = (await users.GetAuthenticatorKeyAsync(stored))!;
            codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 10))!.ToList();
            Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[0])).Succeeded);
            Assert.Equal(9, await users.CountRecoveryCodesAsync(stored));
            Assert.True(await users.VerifyTwoFactorTokenAsync(stored, users.Options.Tokens.AuthenticatorTokenProvider,
                Totp.Code(Totp.DecodeBase32(authenticatorKey), Totp.StepAt(DateTimeOffset.UtcNow)).ToString("D6")));
        }
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var (pkcs12, _, refusal) = await fixture.Portal.Services.GetRequiredService<Pickup>()
            .IssueServerPkcs12Async(principal, id, Ca.Packaging.ServerKeyType.EcdsaP256, FilePassword, "192.0.2.1");
        Assert.Null(refusal);
        using var picked = X509CertificateLoader.LoadPkcs12(pkcs12!, FilePassword, X509KeyStorageFlags.Exportable);
        var authority = fixture.Portal.Services.GetRequiredService<CertificateAuthority>();
        var needles = new Dictionary<string, byte[]>
        {
            ["password"] = Encoding.UTF8.GetBytes(Password),
            ["TOTP secret"] = Encoding.UTF8.GetBytes(authenticatorKey),
            ["PKCS#12 password"] = Encoding.UTF8.GetBytes(FilePassword),
            ["picked-up private key"] = picked.GetECDsaPrivateKey()!.ExportParameters(true).D!,
            ["issuing CA private key"] = authority.IssuingKey.ExportParameters(true).D!,
            ["OCSP signer private key"] = authority.OcspSignerKey.ExportParameters(true).D!,
            ["unencrypted PEM private key"] = "-----BEGIN PRIVATE KEY-----"u8.ToArray(),
            ["unencrypted PEM EC private key"] = "-----BEGIN EC PRIVATE KEY-----"u8.ToArray(),
        };
        foreach (var (code, index) in codes.Select((c, i) => (c, i)))
        {
            needles[$"recovery code {index + 1}"] = Encoding.UTF8.GetBytes(code);
        }

        var found = Directory.EnumerateFiles(fixture.Portal.DataDirectory, "*", SearchOption.AllDirectories)
            .SelectMany(file => needles.Where(n => File.ReadAllBytes(file).AsSpan().IndexOf(n.Value) >= 0)
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
}
