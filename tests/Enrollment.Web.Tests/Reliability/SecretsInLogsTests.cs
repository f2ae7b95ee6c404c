using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>Console capture is process-wide: this collection runs alone.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

/// <summary>
/// Everything the portal logs at Trace level while a user signs in over HTTP, enrolls an
/// authenticator, redeems a recovery code and picks up a server-made PKCS#12 holds none of those
/// secrets: not the password, the TOTP secret, a recovery code, the file's password or its key.
/// </summary>
[Collection(nameof(ConsoleCapture))]
public sealed class SecretsInLogsTests
{
    private const string Password = "correct horse battery staple";
    private const string FilePassword = "pickup file password that is long";

    [Fact]
    public async Task TraceLogsOfAFullFlow_HoldNoSecret()
    {
        var captured = new StringWriter();
        var original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(captured));
        Dictionary<string, string> needles;
        try
        {
            await using var portal = await RunningPortal.StartAsync("--Logging:LogLevel:Default=Trace", "--Logging:Console:FormatterName=simple");
            var (principal, user) = await RequestFlow.RequesterAsync(portal);
            string authenticatorKey;
            List<string> codes;
            await using (var scope = portal.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
                var stored = (await users.FindByIdAsync(user.Id))!;
                await users.AddPasswordAsync(stored, Password);
                await users.ResetAuthenticatorKeyAsync(stored);
                authenticatorKey = (await users.GetAuthenticatorKeyAsync(stored))!;
                codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 10))!.ToList();
                await users.RedeemTwoFactorRecoveryCodeAsync(stored, codes[0]);
            }
            using (var session = await PortalSession.SignInAsync(portal, user.Email!, Password))
            {
                using var page = await session.GetAsync("account/manage/two-factor");
            }
            var id = await RequestFlow.ApprovedRequestAsync(portal, await RequestFlow.PrincipalOfAsync(portal, user));
            var (pkcs12, _, _) = await portal.Services.GetRequiredService<Pickup>()
                .IssueServerPkcs12Async(principal, id, Ca.Packaging.ServerKeyType.EcdsaP256, FilePassword, "192.0.2.1");
            using var picked = X509CertificateLoader.LoadPkcs12(pkcs12!, FilePassword, X509KeyStorageFlags.Exportable);
            var d = picked.GetECDsaPrivateKey()!.ExportParameters(true).D!;
            needles = new Dictionary<string, string>
            {
                ["password"] = Password,
                ["TOTP secret"] = authenticatorKey,
                ["PKCS#12 password"] = FilePassword,
                ["picked-up key (hex)"] = Convert.ToHexString(d),
                ["picked-up key (base64)"] = Convert.ToBase64String(d),
                ["PEM private key"] = "PRIVATE KEY-----",
            };
            foreach (var (code, index) in codes.Select((c, i) => (c, i)))
            {
                needles[$"recovery code {index + 1}"] = code;
            }
            // The console logger writes on its own thread: give it the moment to drain.
            await Task.Delay(500);
        }
        finally
        {
            Console.SetOut(original);
        }
        var logs = captured.ToString();

        Assert.True(logs.Length > 10_000, $"only {logs.Length} characters were captured: is Trace logging on?");
        Assert.Empty(needles.Where(n => logs.Contains(n.Value, StringComparison.OrdinalIgnoreCase)).Select(n => n.Key));
    }
}
