using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Requests;

/// <summary>
/// The whole lifecycle with real users in Chromium over HTTPS: request, approval by an approver with
/// two-factor and an own certificate, and the three pickups, each file judged by OpenSSL.
/// </summary>
public sealed class LifecycleTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private const string FilePassword = "tall giraffe under a blue umbrella";

    [Fact]
    public async Task Request_ApprovedLiveInTheQueue_PickedUpWithABrowserMadeKey_OpensInOpenSsl()
    {
        var requesterUser = await fixture.AddUserAsync("life-requester@example.com");
        var approver = await fixture.NewPrivilegedPageAsync("life-approver@example.com", Roles.Approver);
        await approver.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(approver);
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();

        var requester = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(requester, requesterUser.Email!);
        await requester.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(requester);
        await requester.GetByLabel("Justification").FillAsync("Database administration for the payroll migration.");
        await requester.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();
        await Assertions.Expect(requester.GetByTestId("requests-message")).ToContainTextAsync("Your request is submitted");

        // The open queue shows the new request without a reload.
        await Assertions.Expect(approver.GetByTestId("queue-notice")).ToContainTextAsync("A new request arrived");
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();
        await approver.Locator("td", new() { HasText = requesterUser.Email! }).ClickAsync();
        await Assertions.Expect(approver.Locator("#decision-heading")).ToContainTextAsync(requesterUser.DisplayName);
        await approver.GetByLabel("Comment").FillAsync("Approved for the migration window.");
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(approver.GetByTestId("queue-message")).ToContainTextAsync("Approved the request");

        // The requester's open page follows the decision, then the pickup makes the key in the browser.
        using var files = new TemporaryDirectory();
        var (pkcs12, fileName) = await BrowserPortalFixture.PickUpWithABrowserKeyAsync(requester, FilePassword, files, "browser.p12");
        // Whose and from when, as it is found again among the downloads; never the hex serial.
        Assert.Matches(@"^E2E-life-requester-\d{4}-\d{2}-\d{2}\.p12$", fileName);
        await Assertions.Expect(requester.GetByTestId("import-steps")).ToContainTextAsync("chrome://certificate-manager");
        // Saved again while the page is open: the same file under the same name (the key is in it, never on the server).
        var again = await requester.RunAndWaitForDownloadAsync(() => requester.GetByRole(AriaRole.Button, new() { Name = "Save the file again" }).ClickAsync());
        Assert.Equal(fileName, again.SuggestedFilename);
        var againPath = files.File("again.p12");
        await again.SaveAsAsync(againPath);
        Assert.Equal(File.ReadAllBytes(pkcs12), File.ReadAllBytes(againPath));

        var leaf = AssertPkcs12(files, pkcs12, FilePassword);
        var subject = OpenSsl.Ok(files.Path, "x509", "-in", leaf, "-noout", "-subject", "-nameopt", "RFC2253");
        Assert.Contains($"serialNumber={requesterUser.EmployeeId}", subject, StringComparison.Ordinal);
        Assert.Contains("key made in the browser", await SecondPickupRefusalAsync(requester, requester.Url), StringComparison.Ordinal);
    }

    /// <summary>A slow key says how long is normal and how long it has taken, while it is being made.</summary>
    [Fact]
    public async Task BrowserKey_OfRsa3072_ShowsTheExpectedAndElapsedTime_WhileItIsMade()
    {
        var user = await fixture.AddUserAsync("life-rsa@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync($"requests/{id}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Key type").SelectOptionAsync("RSA 3072");
        await page.GetByLabel("File password", new() { Exact = true }).FillAsync(FilePassword);
        await page.GetByLabel("File password again").FillAsync(FilePassword);
        var download = page.WaitForDownloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key and certificate file" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("keygen-time")).ToContainTextAsync("Usually up to 30 seconds");
        await download;
        await Assertions.Expect(page.GetByTestId("pickup-done")).ToContainTextAsync("is issued");
        await Assertions.Expect(page.GetByTestId("keygen-time")).ToHaveCountAsync(0);
    }

    /// <summary>A pickup happens once and the key stays where it was made: a phone is warned, a computer is not.</summary>
    [Fact]
    public async Task Pickup_StartedOnAPhone_WarnsToPickUpOnTheComputer_AndOnAComputerDoesNot()
    {
        var user = await fixture.AddUserAsync("life-phone@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var phone = await fixture.NewPageAsync(userAgent:
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1");
        var computer = await fixture.NewPageAsync();

        foreach (var page in new[] { phone, computer })
        {
            await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
            await page.GotoAsync($"requests/{id}/pickup");
            await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        }

        await Assertions.Expect(phone.GetByTestId("pickup-on-phone")).ToContainTextAsync("pick this up on the computer that will use the certificate");
        await Assertions.Expect(computer.GetByTestId("pickup-on-phone")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ServerMadePkcs12_IsDownloadedOnce_AndOpensWithTheChosenPassword()
    {
        var user = await fixture.AddUserAsync("life-server@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync($"requests/{id}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Server-made file").CheckAsync();
        await page.GetByLabel("Key type").SelectOptionAsync("Rsa2048");
        await page.GetByLabel("File password", new() { Exact = true }).FillAsync(FilePassword);
        await page.GetByLabel("File password again").FillAsync(FilePassword);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Create certificate file" }).ClickAsync());
        using var files = new TemporaryDirectory();
        var pkcs12 = files.File("server.p12");
        await download.SaveAsAsync(pkcs12);

        await Assertions.Expect(page.GetByTestId("pickup-done")).ToContainTextAsync("is issued");
        var leaf = AssertPkcs12(files, pkcs12, FilePassword);
        Assert.Contains("Public-Key: (2048 bit)", OpenSsl.Ok(files.Path, "x509", "-in", leaf, "-noout", "-text"), StringComparison.Ordinal);
        await page.GotoAsync($"requests/{id}/pickup");
        await Assertions.Expect(page.GetByTestId("pickup-refusal")).ToContainTextAsync("already picked up");
    }

    [Fact]
    public async Task CsrUpload_WithAForgedSubject_ReturnsPemWithTheUsersSubject()
    {
        var user = await fixture.AddUserAsync("life-csr@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        using var files = new TemporaryDirectory();
        var (csr, key) = Csrs.Make(files, "upload", "P-384", "/CN=Domain Admin/O=Forged/serialNumber=0001");
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync($"requests/{id}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Upload a CSR").CheckAsync();
        await ChooseCsrFileAsync(page, csr);
        await Assertions.Expect(page.GetByTestId("csr-file-status")).ToContainTextAsync("upload.csr is ready");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue certificate" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("pickup-done")).ToContainTextAsync("is issued");
        var leaf = files.Write("leaf.pem", await page.GetByLabel("Certificate (PEM)").InputValueAsync());
        var chain = files.Write("chain.pem", await page.GetByLabel("Chain: issuing CA (PEM)").InputValueAsync());
        // The chain shown is the issuing CA alone; the root comes from /pki/root.crt, never with a pickup.
        var root = files.Write("root.pem", fixture.Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().Root.ExportCertificatePem());
        Assert.DoesNotContain(File.ReadAllText(root).Trim(), File.ReadAllText(chain), StringComparison.Ordinal);
        Assert.Contains("OK", OpenSsl.Ok(files.Path, "verify", "-CAfile", root, "-untrusted", chain, "-purpose", "sslclient", leaf), StringComparison.Ordinal);
        var subject = OpenSsl.Ok(files.Path, "x509", "-in", leaf, "-noout", "-subject", "-nameopt", "RFC2253");
        Assert.Contains($"CN={user.DisplayName}", subject, StringComparison.Ordinal);
        Assert.DoesNotContain("Forged", subject, StringComparison.Ordinal);
        Assert.Equal(PublicKeyOf(files, key, isKey: true), PublicKeyOf(files, leaf, isKey: false));
    }

    [Fact]
    public async Task CsrUpload_WithADisallowedKey_IsRefusedClearly_AndTheApprovalStays()
    {
        var user = await fixture.AddUserAsync("life-weak-key@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        using var files = new TemporaryDirectory();
        var (csr, _) = Csrs.Make(files, "weak", "RSA-1024");
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync($"requests/{id}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Upload a CSR").CheckAsync();
        await page.GetByLabel("…or paste the PEM text").FillAsync(await File.ReadAllTextAsync(csr));
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue certificate" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("pickup-error")).ToContainTextAsync("A RSA 1024 key is not accepted");
        await page.ReloadAsync();
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("pickup-refusal")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CsrUpload_OfAHugeFile_IsRefusedBeforeItIsRead()
    {
        var user = await fixture.AddUserAsync("life-huge@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        using var files = new TemporaryDirectory();
        var huge = files.Write("huge.csr", new byte[5 * 1024 * 1024]);
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync($"requests/{id}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Upload a CSR").CheckAsync();
        await ChooseCsrFileAsync(page, huge);

        await Assertions.Expect(page.GetByTestId("pickup-error")).ToContainTextAsync("larger than 16 KiB");
        await Assertions.Expect(page.GetByTestId("csr-file-status")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Pickup_ByAnotherUserThroughTheDirectAddress_IsRefused()
    {
        var owner = await fixture.AddUserAsync("life-owner@example.com");
        var intruder = await fixture.AddUserAsync("life-intruder@example.com");
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, owner));
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, intruder.Email!);

        await page.GotoAsync($"requests/{id}/pickup");

        await Assertions.Expect(page.GetByTestId("pickup-refusal")).ToHaveTextAsync("No request with this number is waiting for you to pick up.");
    }

    [Fact]
    public async Task Request_ByAUserWithoutAnEmployeeId_IsRefusedBeforeAnythingIsTyped_InJapanese()
    {
        var user = await fixture.AddUserAsync("life-no-id@example.com");
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            stored.EmployeeId = null;
            await users.UpdateAsync(stored);
        }
        var page = await fixture.NewPageAsync("ja-JP");
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!, language: "ja-JP");
        await page.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await Assertions.Expect(page.GetByTestId("request-blocked")).ToContainTextAsync("アカウントに社員番号がありません");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "申請する" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByText("申請はまだありません。")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Renew_PrefillsANewRequestFromTheCertificate_AndSubmitsItAsARenewal()
    {
        var user = await fixture.AddUserAsync("life-renew@example.com");
        var (certificate, _) = await fixture.IssueAsync(user);
        var serial = Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber);
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").Nth(1).WaitForAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Renew" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("renewal-of")).ToContainTextAsync(serial);
        await Assertions.Expect(page.GetByLabel("Justification")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex($"Renewal of certificate {serial}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("requests-message")).ToContainTextAsync("Your request is submitted");
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var request = await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().Requests
            .SingleAsync(r => r.RequesterId == user.Id);
        Assert.Equal(serial, request.RenewalOf);
    }

    /// <summary>Reloads the pickup page after a pickup: it must refuse, naming how it was picked up in the history.</summary>
    private static async Task<string> SecondPickupRefusalAsync(IPage page, string pickupUrl)
    {
        await page.GotoAsync(pickupUrl);
        await Assertions.Expect(page.GetByTestId("pickup-refusal")).ToContainTextAsync("already picked up");
        await page.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").First.WaitForAsync();
        return await page.Locator(".history").First.InnerTextAsync();
    }

    /// <summary>OpenSSL and BouncyCastle open the file with the password, the key matches the certificate and the chain verifies; returns the leaf.</summary>
    private string AssertPkcs12(TemporaryDirectory files, string pkcs12, string password)
    {
        var pass = "pass:" + password;
        var leaf = files.Write("p12-leaf.pem", OpenSsl.Ok(files.Path, "pkcs12", "-in", pkcs12, "-passin", pass, "-nokeys", "-clcerts"));
        var key = files.Write("p12-key.pem", OpenSsl.Ok(files.Path, "pkcs12", "-in", pkcs12, "-passin", pass, "-nocerts", "-nodes"));
        var chain = files.Write("p12-chain.pem", OpenSsl.Ok(files.Path, "pkcs12", "-in", pkcs12, "-passin", pass, "-nokeys", "-cacerts"));
        Assert.Equal(PublicKeyOf(files, key, isKey: true), PublicKeyOf(files, leaf, isKey: false));
        var root = files.Write("root.pem", fixture.Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().Root.ExportCertificatePem());
        Assert.Contains(": OK", OpenSsl.Ok(files.Path, "verify", "-CAfile", root, "-untrusted", chain, "-purpose", "sslclient", leaf), StringComparison.Ordinal);
        Assert.NotEqual(0, OpenSsl.Run(files.Path, "pkcs12", "-in", pkcs12, "-passin", "pass:not the password", "-nokeys").ExitCode);
        // BouncyCastle, the second judge, opens the same file: the key is the leaf's, the leaf is our issuing CA's.
        var issuing = fixture.Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().Issuing.RawData;
        var (read, chainLength) = BouncyCastleJudge.Pkcs12(File.ReadAllBytes(pkcs12), password, issuing);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], read.ExtendedKeyUsage);
        Assert.True(chainLength == 2, $"chain of {chainLength}: the leaf and the issuing CA, never the root");
        return leaf;
    }

    private static string PublicKeyOf(TemporaryDirectory files, string path, bool isKey) => isKey
        ? OpenSsl.Ok(files.Path, "pkey", "-in", path, "-pubout")
        : OpenSsl.Ok(files.Path, "x509", "-in", path, "-noout", "-pubkey");

    /// <summary>Chooses a file once the input accepts one: it is disabled until Blazor listens for the choice.</summary>
    private static async Task ChooseCsrFileAsync(IPage page, string path)
    {
        var input = page.GetByLabel("CSR file (PEM or DER)");
        await Assertions.Expect(input).ToBeEnabledAsync();
        await input.SetInputFilesAsync(path);
    }
}
