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

    [Fact]
    public async Task UnknownPkiAddress_AnswersABareNotFound_ForMachines()
    {
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(new Uri(fixture.Portal.Http, "pki/no-such.crl"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
