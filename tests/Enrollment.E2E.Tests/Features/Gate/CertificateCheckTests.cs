using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>Chromium presents real client certificates (Playwright's ClientCertificates) in direct mode.</summary>
public sealed class CertificateCheckTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    /// <summary>On a phone, in both languages, the signature-failure page fits the screen: the browser's long error code wraps.</summary>
    [Theory]
    [InlineData("ja-JP")]
    [InlineData("en-US")]
    public async Task SignatureFailurePage_OnAPhone_HasNoHorizontalScrolling(string language)
    {
        var page = await fixture.NewPageAsync(language, userAgent:
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1");
        await page.SetViewportSizeAsync(390, 844);

        await page.GotoAsync("recovery/signature-failure");

        await Assertions.Expect(page.GetByTestId("mobile-steps")).ToBeVisibleAsync();
        Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
    }

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
        await Assertions.Expect(page.GetByText("キーチェーンアクセス").First).Not.ToBeVisibleAsync();
        await page.GetByText("ほかの環境での削除手順").ClickAsync();
        await Assertions.Expect(page.GetByText("キーチェーンアクセス").First).ToBeVisibleAsync();
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

    [Fact]
    public async Task HighBitSerialCertificate_MapsToItsOwnersRecord_AndOpenSslOcspSaysGood()
    {
        var ida = await fixture.AddUserAsync("gate-high-bit@example.com");
        var presented = await fixture.HighBitSerialCertificateAsync(ida);
        var canonical = Ca.Serials.SerialNumber.Canonicalize(presented.Certificate.SerialNumber);
        var page = await PageWithCertificateAsync(presented);

        await BrowserPortalFixture.SignInWithPasswordAsync(page, ida.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");
        await Assertions.Expect(page.GetByTestId("accepted-serial")).ToHaveTextAsync(canonical);
        Assert.True(canonical[0] >= '8', canonical);
        using var files = new Testing.TemporaryDirectory();
        var authority = fixture.Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
        var leaf = files.Write("leaf.pem", presented.Certificate.ExportCertificatePem());
        var ocsp = Testing.OpenSsl.Run(files.Path, "ocsp", "-issuer", files.Write("issuing.pem", authority.Issuing.ExportCertificatePem()),
            "-cert", leaf, "-CAfile", files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem()),
            "-url", new Uri(fixture.Portal.Http, "pki/ocsp").AbsoluteUri).All;
        Assert.Contains($"{leaf}: good", ocsp, StringComparison.Ordinal);
        Assert.Contains($"serial={canonical}", Testing.OpenSsl.Ok(files.Path, "x509", "-in", leaf, "-noout", "-serial"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredCertificateOfOurs_OffersItsRenewal_AndTheRenewalRequestNamesIt()
    {
        var jan = await fixture.AddUserAsync("recovery-renew@example.com");
        var expired = await fixture.ExpiredCertificateAsync(jan);
        await fixture.RecordAsync(jan, expired.Certificate);
        var serial = Ca.Serials.SerialNumber.Canonicalize(expired.Certificate.SerialNumber);
        var page = await fixture.NewPageWithCertificateAsync(expired);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, jan.Email!);
        await page.GotoAsync("account/certificate");
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "Expired");

        await page.GetByRole(AriaRole.Link, new() { Name = "Renew this certificate" }).ClickAsync();
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("renewal-of")).ToContainTextAsync(serial);
        await Assertions.Expect(page.GetByLabel("Justification")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(serial));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("requests-message")).ToContainTextAsync("submitted");
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var request = await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().Requests
            .SingleAsync(r => r.RequesterId == jan.Id);
        Assert.Equal((RequestState.Pending, serial), (request.State, request.RenewalOf));
    }

    [Fact]
    public async Task ApprovedRequestWaiting_IsOfferedForPickupToAVisitorWithoutACertificate()
    {
        var kim = await fixture.AddUserAsync("recovery-pickup@example.com");
        var id = await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(
            fixture.Portal, await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, kim));
        var page = await fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, kim.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
        await Assertions.Expect(page.GetByTestId("next-steps").Locator("[data-next]")).ToHaveAttributeAsync("data-next", "pickup");
        await page.GetByRole(AriaRole.Link, new() { Name = "Pick up now" }).ClickAsync();
        await page.WaitForURLAsync($"**/requests/{id}/pickup");
    }

    [Fact]
    public async Task ForeignCertificateWithNothingOpen_IsOfferedANewRequest()
    {
        using var directory = new Testing.TemporaryDirectory();
        var lee = await fixture.AddUserAsync("recovery-new@example.com");
        var page = await fixture.NewPageWithCertificateAsync(BrowserPortalFixture.OpenSslCaCertificate(directory), "ja-JP");

        await BrowserPortalFixture.SignInWithPasswordAsync(page, lee.Email!, language: "ja-JP");
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.GetByTestId("next-steps").Locator("[data-next]")).ToHaveAttributeAsync("data-next", "request");
        await Assertions.Expect(page.GetByTestId("next-steps")).ToContainTextAsync("証明書を申請する");
    }

    private Task<(X509Certificate2 Certificate, ECDsa Key)> IssueAsync(EnrollmentUser user) => fixture.IssueAsync(user);

    private Task<IPage> PageWithCertificateAsync((X509Certificate2 Certificate, ECDsa Key) issued) => fixture.NewPageWithCertificateAsync(issued);
}
