using Enrollment.Web.Tests.Infrastructure;

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
            var flow = await SecretFlow.RunAsync(portal);
            using (var session = await PortalSession.SignInAsync(portal, flow.User.Email!, flow.Password))
            {
                using var page = await session.GetAsync("account/manage/two-factor");
            }
            needles = new Dictionary<string, string>
            {
                ["password"] = flow.Password,
                ["TOTP secret"] = flow.AuthenticatorKey,
                ["PKCS#12 password"] = flow.FilePassword,
                ["picked-up key (hex)"] = Convert.ToHexString(flow.PickedUpKey),
                ["picked-up key (base64)"] = Convert.ToBase64String(flow.PickedUpKey),
                ["PEM private key"] = "PRIVATE KEY-----",
            };
            foreach (var (code, index) in flow.RecoveryCodes.Select((c, i) => (c, i)))
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
