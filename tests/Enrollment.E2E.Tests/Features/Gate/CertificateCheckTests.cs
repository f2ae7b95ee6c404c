using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>Chromium presents real client certificates (Playwright's ClientCertificates) in direct mode.</summary>
public sealed class CertificateCheckTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task OwnValidCertificate_IsAcceptedAndItsUseIsRecorded()
    {
        var alice = await fixture.AddUserAsync("gate-alice@example.com");
        var page = await PageWithCertificateAsync(await IssueAsync(alice));

        await BrowserPortalFixture.SignInWithPasswordAsync(page, alice.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("issued to you");
    }

    [Fact]
    public async Task AnotherUsersCertificate_IsRefusedWithAReferenceCode()
    {
        var owner = await fixture.AddUserAsync("gate-owner@example.com");
        var other = await fixture.AddUserAsync("gate-other@example.com");
        var page = await PageWithCertificateAsync(await IssueAsync(owner));

        await BrowserPortalFixture.SignInWithPasswordAsync(page, other.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "AnotherUser");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("belongs to another user");
        Assert.Matches("^[A-Z2-9]{8}$", await page.GetByTestId("reference-code").InnerTextAsync());
    }

    [Fact]
    public async Task RevokedCertificate_IsRefusedSayingWhenAndWhy()
    {
        var carol = await fixture.AddUserAsync("gate-carol@example.com");
        var issued = await IssueAsync(carol);
        await fixture.Portal.Services.GetRequiredService<RevocationService>()
            .RevokeAsync(Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        var page = await PageWithCertificateAsync(issued);

        await BrowserPortalFixture.SignInWithPasswordAsync(page, carol.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "Revoked");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("keyCompromise");
    }

    [Fact]
    public async Task NoCertificate_IsExplained()
    {
        var dave = await fixture.AddUserAsync("gate-dave@example.com");
        var page = await fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, dave.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
    }

    private Task<(X509Certificate2 Certificate, ECDsa Key)> IssueAsync(EnrollmentUser user) => fixture.IssueAsync(user);

    private Task<IPage> PageWithCertificateAsync((X509Certificate2 Certificate, ECDsa Key) issued) => fixture.NewPageWithCertificateAsync(issued);
}
