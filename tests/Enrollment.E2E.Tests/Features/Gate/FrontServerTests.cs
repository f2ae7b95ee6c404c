using System.Security.Authentication;
using Enrollment.Ca.Revocation;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>What every shipped front server must do, run against each (NginxProxyTests, ApacheProxyTests).</summary>
public abstract class FrontServerTests<TFixture>(TFixture fixture) where TFixture : FrontServerFixture
{
    protected TFixture Fixture => fixture;

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Front_NegotiatesTls12AndTls13(SslProtocols protocol)
    {
        Assert.Equal(protocol, await fixture.HandshakeAsync(protocol));
    }

    [Fact]
    public async Task ApproversOwnCertificate_ThroughTheFront_ReachesTheLiveApproverQueue()
    {
        var page = await fixture.NewPrivilegedPageAsync($"{GetType().Name}-approver@example.com".ToLowerInvariant(), Web.Shared.Roles.Approver);

        await page.GotoAsync("approvals");
        // Interactive: the circuit's WebSocket goes through the front server.
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/approvals$"));
        await Assertions.Expect(page.Locator("[data-grid-state=ready]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("queue-message")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ClientAddress_ThroughTheFront_IsTheBrowsers_WhateverTheBrowserClaims()
    {
        var user = await fixture.AddUserAsync($"{GetType().Name}-address@example.com".ToLowerInvariant());
        var page = await fixture.NewPageAsync();
        await page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.9" });

        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);

        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var signIn = await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().AuditEvents
            .SingleAsync(e => e.EventType == "signin.succeeded" && e.Actor == user.Email);
        // The front's address for the client: not the claimed one, nor the proxy's own (or Apache's socket placeholder, ::).
        Assert.Equal("127.0.0.1", signIn.Address);
    }
}

/// <summary>A front server revoking by the CRLs alone (its shipped template without the OCSP lines), kept current by refresh-crl.sh.</summary>
public abstract class FrontCrlTests<TFixture>(TFixture fixture) where TFixture : FrontServerFixture
{
    protected TFixture Fixture => fixture;

    /// <summary>How this front refuses a revoked certificate on a new connection.</summary>
    protected abstract Task ExpectRefusedAsRevokedAsync(IPage page);

    [Fact]
    public async Task OwnCertificate_PassesTheCrlCheckAtEveryLevel_AndIsRefusedOnceTheCrlIsRefreshed()
    {
        var user = await fixture.AddUserAsync($"{GetType().Name}-crl@example.com".ToLowerInvariant());
        var issued = await fixture.IssueAsync(user);
        var before = await fixture.NewPageWithCertificateAsync(issued);
        // Both fronts want a CRL for the issuing CA's certificate too: without the root's, every certificate fails.
        await BrowserPortalFixture.SignInWithPasswordAsync(before, user.Email!);
        await before.GotoAsync("account/certificate");
        await Assertions.Expect(before.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");

        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        await fixture.RefreshCrlAsync();
        var after = await fixture.NewPageWithCertificateAsync(issued);
        await after.GotoAsync("");

        await ExpectRefusedAsRevokedAsync(after);
    }
}
