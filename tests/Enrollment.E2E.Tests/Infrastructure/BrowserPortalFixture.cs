using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// A running portal and Debian's Chromium driven by Playwright, shared by one test class.
/// Each test makes its own users and its own browser context.
/// </summary>
public class BrowserPortalFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    /// <summary>Short, so a test can watch a disabled user lose the session; production uses 60.</summary>
    public const int RevalidationSeconds = 2;

    private IPlaywright? playwright;

    public RunningPortal Portal { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Where the browser goes: the portal itself, or a front server (nginx) before it.</summary>
    public virtual Uri FrontUrl => Portal.Https;

    /// <summary>Extra portal settings of a derived fixture.</summary>
    protected virtual string[] PortalSettings => [];

    /// <summary>The settings every portal of the fixture starts with.</summary>
    protected string[] AllPortalSettings => ["--Enrollment:RateLimits:SignInPerMinute=10000",
        $"--Enrollment:Accounts:RevalidationSeconds={RevalidationSeconds}", .. PortalSettings];

    /// <summary>Services of a derived fixture's portal, adjusted.</summary>
    protected virtual void ConfigurePortal(WebApplicationBuilder builder)
    {
    }

    public virtual async Task InitializeAsync()
    {
        Portal = await RunningPortal.StartAsync(ConfigurePortal, AllPortalSettings);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            // The build machines run tests as root (Chromium refuses its sandbox there) with no network but loopback.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <param name="bypassCsp">Only for injecting axe-core: our CSP rightly refuses inline scripts.</param>
    public async Task<IPage> NewPageAsync(string language = "en-US", bool bypassCsp = false, string? userAgent = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            UserAgent = userAgent,
            BypassCSP = bypassCsp,
            BaseURL = FrontUrl.AbsoluteUri,
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
        });
        return await context.NewPageAsync();
    }

    public async Task<EnrollmentUser> AddUserAsync(string email, params string[] roles)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = new EnrollmentUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = "E2E " + email.Split('@')[0],
            EmployeeId = "E2E-" + Guid.NewGuid().ToString("N")[..8], CreatedAt = DateTime.UtcNow,
        };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        await users.AddToRolesAsync(user, [Roles.Requester, .. roles]);
        return user;
    }

    public async Task<EnrollmentUser> FindAsync(string email)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByEmailAsync(email))!;
    }

    /// <summary>
    /// An administrator's browser: the admin has an authenticator and a certificate issued by the
    /// portal, which Chromium presents; signed in with password and TOTP.
    /// </summary>
    public Task<IPage> NewAdminPageAsync(string email, string language = "en-US", bool bypassCsp = false) =>
        NewPrivilegedPageAsync(email, Roles.Admin, language, bypassCsp);

    /// <summary>A browser of a user in a privileged role, with authenticator and own certificate, signed in with TOTP.</summary>
    public async Task<IPage> NewPrivilegedPageAsync(string email, string role, string language = "en-US", bool bypassCsp = false)
    {
        var page = await NewPageWithCertificateAsync(await IssueAsync(await AddUserAsync(email)), language, bypassCsp);
        await SignInWithTwoFactorAsync(page, email, language, role);
        return page;
    }

    /// <summary>Issues a certificate for the user through the portal's own service, with a key made here.</summary>
    public async Task<(X509Certificate2 Certificate, ECDsa Key)> IssueAsync(EnrollmentUser user)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = Portal.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(user, new PublicKey(key), null, default);
        Assert.Null(result.Refusal);
        return (result.Certificate!, key);
    }

    /// <summary>A certificate our CA signed for the user with a validity that has already ended.</summary>
    public async Task<(X509Certificate2 Certificate, ECDsa Key)> ExpiredCertificateAsync(EnrollmentUser user)
    {
        var authority = Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = Portal.Services.CreateAsyncScope();
        var subject = scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user);
        var start = new DateTimeOffset(authority.Issuing.NotBefore.ToUniversalTime());
        var certificate = new Ca.Issuance.ClientCertificateBuilder(authority, Portal.Services.GetRequiredService<Ca.Authority.PublicationUrls>())
            .Sign(new Ca.Issuance.IssuanceTemplate(Ca.Serials.SerialNumber.Create(), subject, new PublicKey(key), start, start.AddSeconds(30), "privileged-access"));
        return (certificate, key);
    }

    /// <summary>Stores a certificate our CA signed as issued to the user, as the issuance service would have.</summary>
    public async Task RecordAsync(EnrollmentUser user, X509Certificate2 certificate)
    {
        var authority = Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
        await using var scope = Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        db.Certificates.Add(new IssuedCertificate
        {
            SerialNumber = Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), IssuerKeyId = authority.IssuerKeyId,
            UserId = user.Id, Profile = "privileged-access", SubjectDn = certificate.Subject,
            PublicKeySha256 = Ca.Authority.KeyIdentifiers.PublicKeySha256(certificate.PublicKey),
            NotBefore = certificate.NotBefore.ToUniversalTime(), NotAfter = certificate.NotAfter.ToUniversalTime(),
            State = IssuanceState.Issued, Certificate = certificate.RawData, CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// A certificate for the user with our profile and our issuing CA's signature whose serial has
    /// its high bit set, so DER pads it with 0x00 and .NET reads "00..." where nginx and OpenSSL
    /// print no padding (docs/pitfalls.md, "Serial encoding"). Our own issuance never makes one (the linter refuses it),
    /// so it is signed here without the linter and recorded, as a certificate migrated from an
    /// earlier CA with the same key would be.
    /// </summary>
    public async Task<(X509Certificate2 Certificate, ECDsa Key)> HighBitSerialCertificateAsync(EnrollmentUser user)
    {
        var authority = Portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = Portal.Services.CreateAsyncScope();
        var subject = scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user);
        var serial = Ca.Serials.SerialNumber.Create();
        serial[0] |= 0x80;
        var now = DateTimeOffset.UtcNow;
        var template = new Ca.Issuance.IssuanceTemplate(serial, subject, new PublicKey(key), now.AddMinutes(-5), now.AddDays(30), "privileged-access");
        var certificate = new Ca.Issuance.ClientCertificateBuilder(authority, Portal.Services.GetRequiredService<Ca.Authority.PublicationUrls>())
            .Prepare(template).Create(authority.Issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(authority.IssuingKey),
                template.NotBefore, template.NotAfter, serial);
        Assert.StartsWith("00", certificate.SerialNumber, StringComparison.Ordinal);
        await RecordAsync(user, certificate);
        return (certificate, key);
    }

    /// <summary>A client certificate from an unrelated CA made by `openssl req -x509`.</summary>
    public static (X509Certificate2 Certificate, ECDsa Key) OpenSslCaCertificate(Testing.TemporaryDirectory directory)
    {
        var d = directory.Path;
        Testing.OpenSsl.Ok(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other-ca.key",
            "-subj", "/O=Other/CN=Other CA", "-days", "30", "-out", "other-ca.pem", "-addext", "basicConstraints=critical,CA:TRUE");
        Testing.OpenSsl.Ok(d, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other.key",
            "-subj", "/CN=Alice Example", "-out", "other.csr");
        directory.Write("client.ext", "extendedKeyUsage=clientAuth\n");
        Testing.OpenSsl.Ok(d, "x509", "-req", "-in", "other.csr", "-CA", "other-ca.pem", "-CAkey", "other-ca.key", "-CAcreateserial",
            "-days", "30", "-extfile", "client.ext", "-out", "other.pem");
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(directory.File("other.key")));
        return (X509Certificate2.CreateFromPem(File.ReadAllText(directory.File("other.pem"))), key);
    }

    /// <summary>A browser context whose Chromium presents this certificate to the portal (Playwright ClientCertificates).</summary>
    public async Task<IPage> NewPageWithCertificateAsync(
        (X509Certificate2 Certificate, ECDsa Key) issued, string language = "en-US", bool bypassCsp = false, string? userAgent = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            UserAgent = userAgent,
            BypassCSP = bypassCsp,
            BaseURL = FrontUrl.AbsoluteUri,
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ClientCertificates =
            [
                new ClientCertificate
                {
                    Origin = FrontUrl.GetLeftPart(UriPartial.Authority),
                    Cert = Encoding.ASCII.GetBytes(issued.Certificate.ExportCertificatePem()),
                    Key = Encoding.ASCII.GetBytes(issued.Key.ExportPkcs8PrivateKeyPem()),
                },
            ],
        });
        return await context.NewPageAsync();
    }

    /// <summary>A browser that presents the certificate and key of a PKCS#12 file, as after importing a pickup.</summary>
    public async Task<IPage> NewPageWithPkcs12Async(string path, string password, string language = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            BaseURL = FrontUrl.AbsoluteUri,
            Locale = language,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = language },
            ClientCertificates = [new ClientCertificate { Origin = FrontUrl.GetLeftPart(UriPartial.Authority), PfxPath = path, Passphrase = password }],
        });
        return await context.NewPageAsync();
    }

    /// <summary>The account menu in the app bar, which only a signed-in user has.</summary>
    public static ILocator AccountMenu(IPage page) => page.GetByTestId("account-menu");

    /// <summary>Opens the account menu (English) and returns its sign-out button.</summary>
    public static async Task<ILocator> SignOutButtonAsync(IPage page)
    {
        await AccountMenu(page).Locator("summary").ClickAsync();
        return AccountMenu(page).GetByRole(AriaRole.Button, new() { Name = "Sign out" });
    }

    /// <summary>Makes a user with the roles and an authenticator, and signs in with password and TOTP.</summary>
    public async Task SignInWithTwoFactorAsync(IPage page, string email, string language, params string[] roles)
    {
        var user = await FindAsync(email) ?? await AddUserAsync(email);
        await using (var scope = Portal.Services.CreateAsyncScope())
        {
            var manager = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            await manager.AddToRolesAsync((await manager.FindByIdAsync(user.Id))!, roles);
        }
        var key = await TurnOnAuthenticatorAsync(user);
        var japanese = language.StartsWith("ja", StringComparison.Ordinal);
        await SignInWithPasswordAsync(page, email, language: language);
        await page.GetByLabel(japanese ? "認証コード" : "Authenticator code").FillAsync(new AuthenticatorApp(key).CodeAt(AuthenticatorApp.CurrentStep));
        await page.GetByRole(AriaRole.Button, new() { Name = japanese ? "サインイン" : "Sign in" }).ClickAsync();
        await Assertions.Expect(AccountMenu(page)).ToBeVisibleAsync();
    }

    /// <summary>
    /// On the requester's open page: waits until it shows the approval, picks up with a key made in
    /// the browser, and saves the PKCS#12 file the page built; returns its path and the name the page gave it.
    /// </summary>
    public static async Task<(string Path, string SuggestedName)> PickUpWithABrowserKeyAsync(IPage requester, string filePassword, Testing.TemporaryDirectory files, string fileName)
    {
        await Assertions.Expect(requester.GetByTestId("request-state").First).ToHaveTextAsync("Approved");
        await requester.GetByRole(AriaRole.Link, new() { Name = "Pick up" }).ClickAsync();
        await WaitUntilInteractiveAsync(requester);
        await requester.GetByLabel("File password", new() { Exact = true }).FillAsync(filePassword);
        await requester.GetByLabel("File password again").FillAsync(filePassword);
        await Assertions.Expect(requester.Locator("#password-strength-label")).ToHaveTextAsync("Strong");
        var download = await requester.RunAndWaitForDownloadAsync(() =>
            requester.GetByRole(AriaRole.Button, new() { Name = "Create key and certificate file" }).ClickAsync());
        var path = files.File(fileName);
        await download.SaveAsAsync(path);
        await Assertions.Expect(requester.GetByTestId("pickup-done")).ToContainTextAsync("is issued");
        await Assertions.Expect(requester.GetByTestId("saved-as")).ToContainTextAsync(download.SuggestedFilename);
        return (path, download.SuggestedFilename);
    }

    /// <summary>Gives the user a new authenticator key and turns two-factor sign-in on; returns the key.</summary>
    public async Task<string> TurnOnAuthenticatorAsync(EnrollmentUser user)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        await users.ResetAuthenticatorKeyAsync(stored);
        await users.SetTwoFactorEnabledAsync(stored, true);
        return (await users.GetAuthenticatorKeyAsync(stored))!;
    }

    /// <summary>Interactive pages mark their heading once the circuit is live; typing before that is lost.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("h1[data-interactive=yes]").WaitForAsync();

    /// <summary>Finds a user by e-mail and opens their dialog, clicking only once the grid has finished loading.</summary>
    public static async Task SelectUserRowAsync(IPage page, string email)
    {
        // Found by searching, as an administrator finds one person among many pages of users; unless the
        // grid already shows that one row (a search already made), where another would only reload it.
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        var rows = page.Locator("tbody tr.user-row");
        var row = rows.Filter(new() { HasText = email });
        if (await rows.CountAsync() != 1 || await row.CountAsync() != 1)
        {
            await page.Locator("#user-search").FillAsync(email);
            await page.Locator("#user-search").PressAsync("Enter");
        }
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        await page.Locator("td", new() { HasText = email }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = email, Level = 2 }).WaitForAsync();
    }

    /// <summary>Signs in on the page's own front, or on <paramref name="origin"/> (the portal behind nginx, say).</summary>
    public static async Task SignInWithPasswordAsync(IPage page, string email, string password = Password, string language = "en-US", Uri? origin = null)
    {
        var japanese = language.StartsWith("ja", StringComparison.Ordinal);
        await page.GotoAsync(origin is null ? "account/login" : new Uri(origin, "account/login").AbsoluteUri);
        await page.GetByLabel(japanese ? "メールアドレス" : "Email").FillAsync(email);
        await page.GetByLabel(japanese ? "パスワード" : "Password", new() { Exact = true }).FillAsync(password);
        await PostAndFollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = japanese ? "サインイン" : "Sign in" }));
    }

    /// <summary>
    /// Submits a plain form and waits for the document it ends on, after any redirects. The page
    /// already counts as loaded before the click, so waiting for a load state alone lets the next
    /// step race the post.
    /// </summary>
    public static async Task PostAndFollowAsync(IPage page, ILocator submitButton)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage loadedPage) => loaded.TrySetResult();
        page.Load += OnLoad;
        try
        {
            await submitButton.ClickAsync();
            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            page.Load -= OnLoad;
        }
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await Portal.DisposeAsync();
    }

    private static string ChromiumPath() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed; ./test.sh installs it (apt-get install chromium).");
}
