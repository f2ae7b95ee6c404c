using System.Net;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// Password-reset poisoning, as the security review did it: a forgot-password form posted with a
/// Host of the attacker's choosing. The portal answers only its own names, and builds every mailed
/// link from its configured address, whatever Host the request carried.
/// </summary>
public sealed class HostHeaderTests
{
    private const string PortalUrl = "https://portal.example.test:8443/";

    [Theory]
    [InlineData("evil.example")]
    [InlineData("portal.example.test.evil.example")]
    public async Task AnyPage_WithAHostThatIsNotThePortals_IsRefused(string host)
    {
        await using var portal = await RunningPortal.StartAsync($"--Enrollment:PortalUrl={PortalUrl}");
        using var client = portal.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal.Https, "account/forgot-password"));
        request.Headers.Host = host;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ForgotPassword_PostedUnderAnotherName_MailsALinkOnTheConfiguredPortalAddress()
    {
        await using var portal = await RunningPortal.StartAsync($"--Enrollment:PortalUrl={PortalUrl}");
        const string email = "forgetful@example.com";
        await PortalUsers.WithCertificateAsync(portal, email, "correct horse battery staple");
        // 127.0.0.1 is one of the portal's names here (its PKI address), but not its portal address.
        using var visitor = PortalSession.Anonymous(portal);
        using var response = await visitor.PostFormAsync("account/forgot-password", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = email });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var mail = MailText.NewestTo(Path.Combine(portal.DataDirectory, "mail"), email);
        Assert.NotNull(mail);
        Assert.Contains(PortalUrl + "account/reset-password?code=", mail);
        Assert.DoesNotContain("127.0.0.1", mail);
    }
}
