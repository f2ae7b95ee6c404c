using System.Security.Cryptography.X509Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// The secrets one user's life in the portal creates, made through its own services: a password,
/// an authenticator key, ten recovery codes (the first redeemed), and a server-made PKCS#12 with
/// its password and private key. The secrets scans look for each of them.
/// </summary>
internal sealed record SecretFlow(EnrollmentUser User, string Password, string AuthenticatorKey, IReadOnlyList<string> RecoveryCodes, string FilePassword, byte[] PickedUpKey)
{
    public static async Task<SecretFlow> RunAsync(RunningPortal portal)
    {
        const string password = "correct horse battery staple";
        const string filePassword = "pickup file password that is long";
        var (principal, user) = await RequestFlow.RequesterAsync(portal);
        string authenticatorKey;
        List<string> codes;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            Assert.True((await users.AddPasswordAsync(stored, password)).Succeeded);
            await users.ResetAuthenticatorKeyAsync(stored);
            authenticatorKey = (await users.GetAuthenticatorKeyAsync(stored))!;
            codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 10))!.ToList();
            Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[0])).Succeeded);
        }
        var id = await RequestFlow.ApprovedRequestAsync(portal, await RequestFlow.PrincipalOfAsync(portal, user));
        var (pkcs12, _, refusal) = await portal.Services.GetRequiredService<Pickup>()
            .IssueServerPkcs12Async(principal, id, Ca.Packaging.ServerKeyType.EcdsaP256, filePassword, "192.0.2.1");
        Assert.Null(refusal);
        using var picked = X509CertificateLoader.LoadPkcs12(pkcs12!, filePassword, X509KeyStorageFlags.Exportable);
        return new SecretFlow(user, password, authenticatorKey, codes, filePassword, picked.GetECDsaPrivateKey()!.ExportParameters(true).D!);
    }
}
