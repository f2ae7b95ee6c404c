using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Admin;

public sealed class CertificatesPageTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Admin_FindsACertificateBySerialInAnotherCase_RevokesIt_AndOpenSslOcspSaysRevoked()
    {
        var owner = await fixture.AddUserAsync("lost-laptop@example.com");
        var (certificate, _) = await fixture.IssueAsync(owner);
        var serial = certificate.SerialNumber;
        var page = await fixture.NewAdminPageAsync("certs-page-admin@example.com");
        await page.GotoAsync("admin/certificates");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Search").FillAsync(string.Join(':', serial.ToLowerInvariant().Chunk(2).Select(c => new string(c))));
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        await page.Locator("td", new() { HasText = serial }).ClickAsync();
        await page.GetByLabel("Reason").SelectOptionAsync("KeyCompromise");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("lost-laptop@example.com");
        await page.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("certificates-message")).ToContainTextAsync($"{serial} is revoked");

        using var files = new TemporaryDirectory();
        var authority = fixture.Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
        var issuing = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var chain = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        var leaf = files.Write("leaf.pem", certificate.ExportCertificatePem());
        var ocsp = OpenSsl.Run(files.Path, "ocsp", "-issuer", issuing, "-cert", leaf, "-CAfile", chain,
            "-url", new Uri(fixture.Portal.Http, "pki/ocsp").AbsoluteUri).All;
        Assert.Contains($"{leaf}: revoked", ocsp, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", ocsp, StringComparison.Ordinal);
        var crl = files.Write("crl.der", await new HttpClient().GetByteArrayAsync(new Uri(fixture.Portal.Http, "pki/issuing.crl")));
        Assert.Contains($"Serial Number: {serial}", OpenSsl.Ok(files.Path, "crl", "-inform", "DER", "-in", crl, "-noout", "-text"), StringComparison.Ordinal);
    }
}
