using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Recovery;

/// <summary>
/// The recovery pages anyone can open: the signature-failure page records the visitor's report,
/// and refusals of visitors who are not signed in are audited within a budget per address.
/// </summary>
public sealed class RecoveryPagesTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private const string MacSafari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");
    private RunningPortal portal = default!;

    public async Task InitializeAsync() => portal = await RunningPortal.StartAsync(
        "--Enrollment:ClientCertificates:Mode=Proxy", "--Enrollment:ClientCertificates:KnownProxies:0=127.0.0.2",
        "--Enrollment:RateLimits:AnonymousRefusalAuditsPerMinute=2", "--Enrollment:RateLimits:SignedInRefusalAuditsPerMinute=2",
        "--Enrollment:RateLimits:SignInPerMinute=1000");

    [Fact]
    public async Task SignatureFailurePage_ShowsTheStepsOfTheVisitorsSystem_AndRecordsTheReportWithItsBrowser()
    {
        using var client = portal.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.Https, "recovery/signature-failure"));
        request.Headers.TryAddWithoutValidation("User-Agent", MacSafari);

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-verdict=\"SignatureFailure\"", html, StringComparison.Ordinal);
        Assert.Contains("data-system=\"macOS\"", html, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"signature-steps\"><li>Open Keychain Access", html);
        // Employees are sent to the help desk, never told to switch off the company's security software or VPN.
        Assert.Contains("Do not switch it off yourself: give the help desk the reference code", html, StringComparison.Ordinal);
        Assert.DoesNotContain("disconnect the VPN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("pause the HTTPS scanning", html, StringComparison.OrdinalIgnoreCase);
        var code = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"reference-code\">([A-Z2-9]{8})<").Groups[1].Value;
        var row = await RefusalAsync(code);
        Assert.Contains("failure=SignatureFailure", row.Details, StringComparison.Ordinal);
        Assert.Contains("ua=Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6)", row.Details, StringComparison.Ordinal);
    }

    /// <summary>Desktop steps misdirect on a phone: iOS and Android get their own, which start with the computer.</summary>
    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "iOS", "Settings &gt; Profile Downloaded")]
    [InlineData("Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Android", "VPN &amp; app user certificate")]
    public async Task RecoveryOnAPhone_ShowsThePhonesOwnSteps_StartingWithTheComputer(string userAgent, string system, string phoneStep)
    {
        using var client = portal.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.Https, "recovery/signature-failure"));
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);

        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Contains($"data-system=\"{system}\"", html, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"mobile-steps\"><li>Privileged pages are meant for the computer you work on", html);
        Assert.Contains(phoneStep, html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"signature-steps\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Keychain Access", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousRefusals_PastTheBudgetOfAnAddress_StillExplainButAreNotRecorded_WhileASignedInUserHasABudgetOfTheirOwn()
    {
        var (user, certificate) = await UserWithCertificateAsync();
        var forwarded = new Dictionary<string, string>
        {
            ["X-CLIENTCERT"] = Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"), ["X-CLIENTCERT-VERIFY"] = "FAILED:certificate revoked",
        };
        await portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
        using var visitor = PortalSession.Anonymous(portal, Proxy);
        var before = await RefusalCountAsync();

        var pages = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            pages.Add(await visitor.PageAsync("recovery/proxy/495", forwarded));
        }
        using var member = await PortalSession.SignInAsync(portal, user.Email!, Password, Proxy);
        var signedIn = await member.PageAsync("account/certificate", forwarded);

        Assert.All(pages, page => Assert.Contains("data-verdict=\"Revoked\"", page, StringComparison.Ordinal));
        Assert.Equal([true, true, false], pages.Select(p => p.Contains("data-testid=\"reference-code\"", StringComparison.Ordinal)));
        Assert.Contains("data-testid=\"reference-code-unavailable\"", pages[2], StringComparison.Ordinal);
        Assert.Contains("data-testid=\"reference-code\"", signedIn, StringComparison.Ordinal);
        Assert.Equal(before + 3, await RefusalCountAsync());
    }

    /// <summary>The review found that a signed-in user's refusals were recorded without limit: a page-load loop filled the log.</summary>
    [Fact]
    public async Task SignedInRefusals_PastTheBudgetOfTheUser_StillExplainButAreNotRecorded()
    {
        var (user, certificate) = await UserWithCertificateAsync();
        var forwarded = new Dictionary<string, string>
        {
            ["X-CLIENTCERT"] = Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"), ["X-CLIENTCERT-VERIFY"] = "FAILED:certificate revoked",
        };
        await portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
        using var member = await PortalSession.SignInAsync(portal, user.Email!, Password, Proxy);
        var before = await RefusalCountAsync();

        var pages = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            pages.Add(await member.PageAsync("account/certificate", forwarded));
        }

        Assert.All(pages, page => Assert.Contains("data-verdict=\"Revoked\"", page, StringComparison.Ordinal));
        Assert.Equal([true, true, false], pages.Select(p => p.Contains("data-testid=\"reference-code\"", StringComparison.Ordinal)));
        Assert.Equal(before + 2, await RefusalCountAsync());
    }

    public async Task DisposeAsync() => await portal.DisposeAsync();

    private async Task<AuditEvent> RefusalAsync(string code)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().AuditEvents
            .SingleAsync(e => e.EventType == "gate.refused" && e.Target == code);
    }

    private async Task<int> RefusalCountAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().AuditEvents.CountAsync(e => e.EventType == "gate.refused");
    }

    private Task<(EnrollmentUser User, X509Certificate2 Certificate)> UserWithCertificateAsync() =>
        PortalUsers.WithCertificateAsync(portal, $"budget-{Guid.NewGuid():N}@example.com", Password);
}
