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
        await page.GetByRole(AriaRole.Link, new() { Name = serial }).ClickAsync();
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("certificate-fields")).ToContainTextAsync(owner.EmployeeId!);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Key compromised, lost or stolen" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("lost-laptop@example.com");
        await Assertions.Expect(dialog).ToContainTextAsync(serial);
        // The focus starts on Cancel: Enter alone revokes nothing.
        await Assertions.Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("certificate-message")).ToContainTextAsync($"{serial} is revoked");
        await Assertions.Expect(page.GetByTestId("detail-status")).ToContainTextAsync("keyCompromise");

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

    [Fact]
    public async Task Filter_IsKeptInTheAddress_SoALinkAndTheWayBackFromADetailShowTheSameRows()
    {
        var owner = await fixture.AddUserAsync("filter-owner@example.com");
        await fixture.IssueAsync(owner);
        await fixture.IssueAsync(owner);
        var other = await fixture.AddUserAsync("filter-other@example.com");
        await fixture.IssueAsync(other);
        var page = await fixture.NewAdminPageAsync("filter-admin@example.com");
        await page.GotoAsync("admin/certificates");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Search").FillAsync(owner.Email!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/certificates?search=filter-owner%40example.com");
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await page.Locator("tbody tr a").First.ClickAsync();
        await page.WaitForURLAsync("**/admin/certificates/*");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.GoBackAsync();
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();

        await Assertions.Expect(page.GetByLabel("Search")).ToHaveValueAsync(owner.Email!);
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("tbody tr", new() { HasText = owner.Email! })).ToHaveCountAsync(2);
        await page.GotoAsync("admin/certificates?search=" + Uri.EscapeDataString(other.Email!));
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync(other.Email!);
    }

    [Fact]
    public async Task Detail_DownloadsThePem_ThatOpenSslReadsAsTheSameCertificate()
    {
        var owner = await fixture.AddUserAsync("pem-owner@example.com");
        var (certificate, _) = await fixture.IssueAsync(owner);
        var page = await fixture.NewAdminPageAsync("pem-admin@example.com");
        await page.GotoAsync($"admin/certificates/{certificate.SerialNumber.ToLowerInvariant()}");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-pem").ClickAsync());

        using var files = new TemporaryDirectory();
        var pem = Path.Combine(files.Path, download.SuggestedFilename);
        await download.SaveAsAsync(pem);
        Assert.Equal($"{certificate.SerialNumber}.pem", download.SuggestedFilename);
        Assert.Equal($"serial={certificate.SerialNumber}", OpenSsl.Ok(files.Path, "x509", "-in", pem, "-noout", "-serial").Trim());
        Assert.Contains(certificate.Thumbprint, OpenSsl.Ok(files.Path, "x509", "-in", pem, "-noout", "-fingerprint", "-sha1").Replace(":", ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_RevokesEveryCertificateOfALeaver_AndOcspSaysRevokedForEach()
    {
        var leaver = await fixture.AddUserAsync("leaver-bulk@example.com");
        var (first, _) = await fixture.IssueAsync(leaver);
        var (second, _) = await fixture.IssueAsync(leaver);
        var page = await fixture.NewAdminPageAsync("bulk-admin@example.com");
        await page.GotoAsync($"admin/certificates/{first.SerialNumber}");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByRole(AriaRole.Radio, new() { Name = "Affiliation changed" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke all of this user's certificates" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("leaver-bulk@example.com");
        // Revoking everything of a person asks for their e-mail typed back first.
        var revoke = dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" });
        await Assertions.Expect(revoke).ToBeDisabledAsync();
        await dialog.GetByLabel("Type leaver-bulk@example.com to confirm").FillAsync("leaver-bulk@example.com");
        await revoke.ClickAsync();
        await Assertions.Expect(page.GetByTestId("certificate-message")).ToContainTextAsync("2 certificate(s) of leaver-bulk@example.com revoked");

        using var files = new TemporaryDirectory();
        var authority = fixture.Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
        var issuing = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var chain = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        foreach (var certificate in new[] { first, second })
        {
            var leaf = files.Write($"{certificate.SerialNumber}.pem", certificate.ExportCertificatePem());
            var ocsp = OpenSsl.Run(files.Path, "ocsp", "-issuer", issuing, "-cert", leaf, "-CAfile", chain,
                "-url", new Uri(fixture.Portal.Http, "pki/ocsp").AbsoluteUri).All;
            Assert.Contains($"{leaf}: revoked", ocsp, StringComparison.Ordinal);
            Assert.Contains("Reason: affiliationChanged", ocsp, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Export_OfTheCurrentFilter_DownloadsACsvWithExactlyThoseCertificates()
    {
        var owner = await fixture.AddUserAsync("csv-owner@example.com");
        var serials = new[] { (await fixture.IssueAsync(owner)).Certificate.SerialNumber, (await fixture.IssueAsync(owner)).Certificate.SerialNumber };
        await fixture.IssueAsync(await fixture.AddUserAsync("csv-someone-else@example.com"));
        var page = await fixture.NewAdminPageAsync("csv-admin@example.com");
        await page.GotoAsync("admin/certificates");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Search").FillAsync("csv-owner@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());

        using var files = new TemporaryDirectory();
        var csv = Path.Combine(files.Path, "export.csv");
        await download.SaveAsAsync(csv);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(Web.Features.Admin.Certificates.CertificateCsv.Header, lines[0]);
        Assert.Equal(serials.Order(), lines.Skip(1).Select(l => l.Split(',')[0]).Order());
        Assert.All(lines.Skip(1), l => Assert.Contains("csv-owner@example.com", l, StringComparison.Ordinal));
    }
}
