using System.Security.Cryptography.X509Certificates;
using Bunit;
using Bunit.JSInterop;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Requests.Pickups;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.JSInterop;

namespace Enrollment.Web.Tests.Components;

/// <summary>
/// The pickup page as a component, against the real pickup service: its states (refused, on a phone,
/// picked up), the server-made file and the CSR paste. The page's script is the test's own; the key
/// made in the browser with WebCrypto needs a real browser, so Playwright covers that method.
/// </summary>
public sealed class PickupPageTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Desktop = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

    /// <summary>The page's script as the page uses it: who the browser is, WebCrypto present, and the passwords' own check.</summary>
    private static BunitJSModuleInterop PageScript(PortalComponents components, string userAgent, string passwordCheck = "", bool webCrypto = true)
    {
        var module = components.JSInterop.SetupModule("./js/pickup.js");
        module.Mode = JSRuntimeMode.Loose;
        module.Setup<string>("userAgent").SetResult(userAgent);
        module.Setup<bool>("supported").SetResult(webCrypto);
        module.Setup<string>("checkPasswords", _ => true).SetResult(passwordCheck);
        return module;
    }

    private static IRenderedComponent<PickupPage> Open(PortalComponents components, Guid request)
    {
        PortalComponents.UseCulture("en-US");
        var page = components.Render<PickupPage>(p => p.Add(x => x.Id, request));
        // The page's script and the request's ticket arrive separately; the methods show once both have.
        page.WaitForAssertion(() => Assert.NotNull(page.Find("fieldset.methods")));
        return page;
    }

    private async Task ChooseServerFileAsync(IRenderedComponent<PickupPage> page)
    {
        await page.InvokeAsync(() => page.Find("#method-Server").Change(true));
        await page.InvokeAsync(() => page.Find("#file-password").Change("a long file password"));
        await page.InvokeAsync(() => page.Find("#file-password-again").Change("a long file password"));
    }

    [Fact]
    public async Task ServerFile_IsIssuedOnce_TheSavedPkcs12OpensWithThePassword_AndThePageNamesTheFile()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await using var components = new PortalComponents(fixture.Portal, requester);
        var script = PageScript(components, Desktop);
        // Copied while the page hands the file over: right after, the page wipes its copy of the bytes.
        byte[]? saved = null;
        script.SetupVoid("download", call =>
        {
            saved = ((MemoryStream)((DotNetStreamReference)call.Arguments[2]!).Stream).ToArray();
            return true;
        }).SetVoidResult();
        var page = Open(components, request);

        await ChooseServerFileAsync(page);
        await page.Find("form.form").SubmitAsync();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=pickup-done]")));
        var download = Assert.Single(script.Invocations["download"]);
        var fileName = (string)download.Arguments[0]!;
        Assert.Contains(fileName, page.Find("[data-testid=saved-as]").TextContent, StringComparison.Ordinal);
        Assert.EndsWith(".p12", fileName, StringComparison.Ordinal);
        using var certificate = X509CertificateLoader.LoadPkcs12(saved!, "a long file password");
        Assert.True(certificate.HasPrivateKey);
        Assert.Contains(user.DisplayName, certificate.Subject, StringComparison.Ordinal);
        Assert.Equal(RequestState.Issued, (await RequestFlow.StoredAsync(fixture.Portal, request)).State);
    }

    [Fact]
    public async Task ServerFile_WithPasswordsThatDoNotMatch_IsRefusedBesideTheForm_AndNothingIsIssued()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await using var components = new PortalComponents(fixture.Portal, requester);
        var script = PageScript(components, Desktop, passwordCheck: "mismatch");
        var page = Open(components, request);

        await ChooseServerFileAsync(page);
        await page.Find("form.form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("passwords differ", page.Find("[data-testid=pickup-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(script.Invocations["download"]);
        Assert.Equal(RequestState.Approved, (await RequestFlow.StoredAsync(fixture.Portal, request)).State);
    }

    [Fact]
    public async Task CsrPasted_IsIssued_AndTheCertificateAndChainAreShownAsPem()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        using var files = new Testing.TemporaryDirectory();
        var (csr, _) = Testing.Csrs.Make(files, "pasted", "P-256");
        await using var components = new PortalComponents(fixture.Portal, requester);
        PageScript(components, Desktop);
        var page = Open(components, request);

        await page.InvokeAsync(() => page.Find("#method-Csr").Change(true));
        await page.InvokeAsync(() => page.Find("#csr-text").Change(File.ReadAllText(csr)));
        await page.Find("form.form").SubmitAsync();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=pickup-done]")));
        using var issued = X509Certificate2.CreateFromPem(page.Find("#certificate-pem").TextContent);
        Assert.Equal((await RequestFlow.StoredAsync(fixture.Portal, request)).CertificateSerial, Ca.Serials.SerialNumber.Canonicalize(issued.SerialNumber));
        Assert.Contains("BEGIN CERTIFICATE", page.Find("#chain-pem").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnAPhone_ThePageSaysToPickUpOnTheComputerThatWillUseIt_AndOnAComputerItDoesNot()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);

        await using (var phone = new PortalComponents(fixture.Portal, requester))
        {
            PageScript(phone, IPhone);
            var page = Open(phone, request);
            page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=pickup-on-phone]")));
        }
        await using var computer = new PortalComponents(fixture.Portal, requester);
        PageScript(computer, Desktop);
        var onComputer = Open(computer, request);
        onComputer.WaitForAssertion(() => Assert.NotNull(onComputer.Find("fieldset.methods")));
        Assert.Empty(onComputer.FindAll("[data-testid=pickup-on-phone]"));
    }

    [Fact]
    public async Task AnotherPersonsRequest_IsRefused_WithTheWayBack_AndNoMethodIsOffered()
    {
        var (owner, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, owner);
        var (someoneElse, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        await using var components = new PortalComponents(fixture.Portal, someoneElse);
        PageScript(components, Desktop);

        var page = components.Render<PickupPage>(p => p.Add(x => x.Id, request));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=pickup-refusal]")));
        Assert.NotNull(page.Find("a[href=requests]"));
        Assert.Empty(page.FindAll("fieldset.methods"));
    }

    [Fact]
    public async Task ABrowserWithoutWebCrypto_IsToldSo_AndCannotStartTheBrowserKey()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await using var components = new PortalComponents(fixture.Portal, requester);
        PageScript(components, Desktop, webCrypto: false);

        var page = Open(components, request);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-webcrypto]")));
        Assert.Empty(page.FindAll("#browser-key-type"));
    }
}
