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
    public async Task AnotherUsersCertificate_InFirefoxOnLinux_ShowsFirefoxStepsFirstAndTheOthersOnRequest()
    {
        var owner = await fixture.AddUserAsync("guide-owner@example.com");
        var other = await fixture.AddUserAsync("guide-other@example.com");
        var page = await fixture.NewPageWithCertificateAsync(await IssueAsync(owner),
            userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0");

        await BrowserPortalFixture.SignInWithPasswordAsync(page, other.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator(".guide")).ToHaveAttributeAsync("data-browser", "Firefox");
        await Assertions.Expect(page.GetByTestId("choose-steps")).ToContainTextAsync("Ask you every time");
        await Assertions.Expect(page.GetByTestId("remove-steps")).ToHaveCountAsync(0);
        await page.GetByText("Steps for other browsers").ClickAsync();
        await Assertions.Expect(page.GetByText("Close every Edge window")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task RevokedCertificate_InJapanese_ExplainsRemovalFromTheStoreAndANewRequest()
    {
        var erin = await fixture.AddUserAsync("guide-revoked@example.com");
        var issued = await IssueAsync(erin);
        await fixture.Portal.Services.GetRequiredService<RevocationService>()
            .RevokeAsync(Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        var page = await fixture.NewPageWithCertificateAsync(issued, "ja-JP",
            userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36");

        await BrowserPortalFixture.SignInWithPasswordAsync(page, erin.Email!, language: "ja-JP");
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("証明書は失効しています");
        await Assertions.Expect(page.GetByTestId("remove-steps")).ToContainTextAsync("certmgr.msc");
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
    public async Task ExpiredCertificate_IsRefusedWithTheDateAndTheClockHint()
    {
        var fay = await fixture.AddUserAsync("gate-expired@example.com");
        var page = await fixture.NewPageWithCertificateAsync(await fixture.ExpiredCertificateAsync(fay));

        await BrowserPortalFixture.SignInWithPasswordAsync(page, fay.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "Expired");
        await Assertions.Expect(page.GetByText("check your computer's clock")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task CertificateFromACaMadeWithOpenSsl_IsRefusedNamingTheExpectedIssuer()
    {
        using var directory = new Testing.TemporaryDirectory();
        var gus = await fixture.AddUserAsync("gate-openssl@example.com");
        var page = await fixture.NewPageWithCertificateAsync(BrowserPortalFixture.OpenSslCaCertificate(directory));

        await BrowserPortalFixture.SignInWithPasswordAsync(page, gus.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "OtherCa");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Enrollment Issuing CA 1");
    }

    [Fact]
    public async Task OrdinaryPages_WorkWithoutACertificate()
    {
        var hal = await fixture.AddUserAsync("gate-ordinary@example.com");
        var page = await fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, hal.Email!);
        foreach (var path in new[] { "", "account/manage", "account/manage/password", "account/manage/two-factor" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.DoesNotContain("/account/certificate", page.Url, StringComparison.Ordinal);
        }
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
