using System.Net;
using Enrollment.Data;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// What the .NET 10 move changed at the edges: redirects from static pages no longer throw (so each
/// page must stop after redirecting), and an address that matches nothing gets a localized page.
/// </summary>
public sealed class RedirectsAndNotFoundTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task PasswordSignIn_Succeeding_RedirectsAndIsAuditedOnlyAsASuccess()
    {
        var email = $"redirect-{Guid.NewGuid():N}@example.com";
        await PortalUsers.WithCertificateAsync(fixture.Portal, email, Password);

        using var session = await PortalSession.SignInAsync(fixture.Portal, email, Password);

        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().AuditEvents
            .Where(e => e.Actor == email && e.EventType.StartsWith("signin.")).Select(e => e.EventType).ToListAsync();
        // Before the pages returned after redirecting, a success ran on into the failure branch.
        Assert.Equal(["signin.succeeded"], events);
    }

    [Theory]
    [InlineData("en", "Page not found")]
    [InlineData("ja", "ページが見つかりません")]
    public async Task UnknownPage_AnswersNotFound_WithTheLocalizedPage(string language, string title)
    {
        using var client = fixture.Portal.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        using var response = await client.GetAsync(new Uri(fixture.Portal.Https, "no/such/page"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("data-testid=\"not-found\"", html);
        Assert.Contains(title, html);
    }

    [Theory]
    [InlineData("en", "Reconnecting to the portal")]
    [InlineData("ja", "ポータルに再接続しています")]
    public async Task EveryPage_CarriesTheReconnectDialog_InItsLanguage(string language, string text)
    {
        using var client = fixture.Portal.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var html = await client.GetStringAsync(new Uri(fixture.Portal.Https, "account/login"));

        // The .NET 10 template's dialog replaces the framework's injected one; blazor.web.js finds it by id.
        Assert.Contains("id=\"components-reconnect-modal\"", html, StringComparison.Ordinal);
        Assert.Contains(text, html, StringComparison.Ordinal);
        Assert.Contains("ReconnectModal.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPkiAddress_AnswersABareNotFound_ForMachines()
    {
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(new Uri(fixture.Portal.Http, "pki/no-such.crl"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
