using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Infrastructure;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

/// <summary>
/// The Blazor pages under load, in Debian's Chromium: how long the approver queue and "my
/// certificates" take to show their first page, and what an open circuit costs the server.
/// Prints "key=value" lines that bench/run.sh reads.
/// </summary>
internal static class PageBench
{
    private const string Password = "bench password that is long";
    private const int Rounds = 7;

    /// <summary>First page of the queue (empty, then 10,000 pending) and of /requests (1, then 1,000 certificates).</summary>
    public static async Task<int> RenderAsync(string directory)
    {
        var app = await StartPortalAsync(directory);
        try
        {
            var url = new Uri(app.Urls.Single());
            var (approver, key) = await AddUserAsync(app.Services, "bench-approver@example.com", twoFactor: true, Roles.Approver);
            var certificate = await IssueAsync(app.Services, approver);
            using var playwright = await Playwright.CreateAsync();
            var (context, page) = await CertificateStoreBrowser.LaunchAsync(playwright, app, certificate, Path.Combine(directory, "chromium"));
            await using var closing = context;
            await SignInAsync(page, approver.Email!, key);

            Report("queue_first_page_ms_empty", await MedianAsync(page, "approvals", 1));
            Report("queue_service_ms_empty", await ServiceMedianAsync(app.Services, approver, certificate.Certificate));
            await SeedPendingRequestsAsync(app.Services, 10_000);
            Report("queue_first_page_ms_10000", await MedianAsync(page, "approvals", 1));
            Report("queue_rows_visible_ms_10000", await RowsVisibleMedianAsync(page, "approvals"));
            Report("queue_service_ms_10000", await ServiceMedianAsync(app.Services, approver, certificate.Certificate));

            // The same session through Playwright's clientCertificates proxy, as this bench measured
            // before: kept so figures stay comparable with earlier runs (see CertificateStoreBrowser).
            await using (var browser = await LaunchAsync(playwright))
            {
                var options = ContextOptions(url, certificate);
                options.StorageState = await context.StorageStateAsync();
                var proxied = await (await browser.NewContextAsync(options)).NewPageAsync();
                Report("queue_first_page_ms_10000_playwright_proxy", await MedianAsync(proxied, "approvals", 1));
            }

            Report("my_certificates_ms_1", await MedianAsync(page, "requests", 2));
            await IssueManyAsync(app.Services, approver, 999);
            Report("my_certificates_ms_1000", await MedianAsync(page, "requests", 2));
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A production-mode portal in this process on a free loopback port, with its data under the directory.</summary>
    internal static async Task<WebApplication> StartPortalAsync(string directory, params string[] settings)
    {
        var app = EnrollmentHost.Build(
        [
            "--urls=https://127.0.0.1:0", $"--Enrollment:DataDirectory={Path.Combine(directory, "data")}", "--Enrollment:PublicBaseUrl=http://127.0.0.1/",
            "--Logging:LogLevel:Default=Warning", "--Enrollment:RateLimits:SignInPerMinute=100000", "--environment=Production", .. settings,
        ]);
        await StartupInitializer.InitializeAsync(app.Services);
        await BootstrapAdmin.EnsureAsync(app.Services, TextWriter.Null);
        await app.StartAsync();
        return app;
    }

    /// <summary>Makes a data directory with a signed-in-able user, for a portal process started afterwards.</summary>
    public static async Task<int> PreparePortalAsync(string dataDirectory, string email, string password)
    {
        await using var app = EnrollmentHost.Build([$"--Enrollment:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning"]);
        await StartupInitializer.InitializeAsync(app.Services);
        await BootstrapAdmin.EnsureAsync(app.Services, TextWriter.Null);
        await AddUserAsync(app.Services, email, twoFactor: false, password: password);
        return 0;
    }

    /// <summary>
    /// Opens <paramref name="count"/> pages (timing each from navigation to its first interactive render), each its own browser context and so its own circuit, against a
    /// server in another process, and reports how much that process's resident memory grew per circuit.
    /// </summary>
    public static async Task<int> CircuitMemoryAsync(Uri url, int pid, int count, string? email, string? password)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var options = new BrowserNewContextOptions { IgnoreHTTPSErrors = true, BaseURL = url.AbsoluteUri };
        var path = string.Empty;
        if (email is not null)
        {
            // One sign-in; every context reuses its cookie, so what grows is circuits, not sessions.
            var signIn = await (await browser.NewContextAsync(options)).NewPageAsync();
            await SignInAsync(signIn, email, null, password!);
            options.StorageState = await signIn.Context.StorageStateAsync();
            path = "requests";
        }
        var pages = new List<IPage>();
        for (var i = 0; i < 5; i++)
        {
            pages.Add(await OpenCircuitAsync(browser, options, path));
        }
        await Task.Delay(3000);
        var before = ResidentKiB(pid);
        var opening = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            pages.Add(await OpenCircuitAsync(browser, options, path));
            opening.Add(watch.Elapsed.TotalMilliseconds);
        }
        await Task.Delay(3000);
        var after = ResidentKiB(pid);
        Report("circuits", count);
        Report("rss_before_kib", before);
        Report("rss_after_kib", after);
        Report("kib_per_circuit", (after - before) / (double)count);
        Report("interactive_ms", Median(opening));
        // The same page again in a context that has it cached: what a user clicking through the portal waits.
        var warm = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await NavigateUntilInteractiveAsync(pages[0], path);
            if (round >= 2)
            {
                warm.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        Report("warm_interactive_ms", Median(warm));
        return 0;
    }

    private static async Task<IPage> OpenCircuitAsync(IBrowser browser, BrowserNewContextOptions options, string path)
    {
        var page = await (await browser.NewContextAsync(options)).NewPageAsync();
        await NavigateUntilInteractiveAsync(page, path);
        return page;
    }

    private static async Task NavigateUntilInteractiveAsync(IPage page, string path)
    {
        var frames = 0;
        var connected = new TaskCompletionSource();
        void OnSocket(object? sender, IWebSocket socket)
        {
            if (socket.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                // The handshake answer, then the first render batch: the circuit is up and has rendered.
                socket.FrameReceived += (_, _) => { if (++frames >= 2) connected.TrySetResult(); };
            }
        }
        page.WebSocket += OnSocket;
        try
        {
            await page.GotoAsync(path);
            await connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            page.WebSocket -= OnSocket;
        }
    }

    private static long ResidentKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>Navigation start to every grid reporting its first load, median of the warm rounds.</summary>
    internal static async Task<double> MedianAsync(IPage page, string path, int grids)
    {
        var timings = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(path);
            // WaitFor polls every animation frame; an expect() assertion would back off to 250 ms and more.
            await page.Locator("[data-grid-state=ready]").Nth(grids - 1).WaitForAsync(new() { Timeout = 60_000 });
            watch.Stop();
            if (round >= 2)
            {
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        return Median(timings);
    }

    /// <summary>
    /// Navigation start until the first data row is on screen, median of the warm rounds. The rows
    /// come with the prerendered HTML; the page turns interactive a little later.
    /// </summary>
    internal static async Task<double> RowsVisibleMedianAsync(IPage page, string path)
    {
        var timings = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit });
            // The prerendered table's rows, or the grid's once it has replaced them (any page with a grid).
            await page.Locator("[data-grid-state] tbody tr").First.WaitForAsync(new() { Timeout = 60_000 });
            watch.Stop();
            // Let the circuit come up before the next navigation, as a reading user would.
            await page.Locator("[data-grid-state=ready]").First.WaitForAsync(new() { Timeout = 60_000 });
            if (round >= 2)
            {
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        return Median(timings);
    }

    /// <summary>The server's part alone: authorization, gate, count and first page.</summary>
    private static async Task<double> ServiceMedianAsync(IServiceProvider services, EnrollmentUser approver, X509Certificate2 certificate)
    {
        var principal = await PrincipalAsync(services, approver);
        var queue = services.GetRequiredService<ApprovalQueue>();
        var connection = new ConnectionCertificate(certificate, "127.0.0.1");
        return await CallMedianAsync(() => queue.ListAsync(principal, connection, new QueueQuery(), 0, 20));
    }

    /// <summary>Median of ten calls after two warm-up calls, in milliseconds: a server's part alone.</summary>
    internal static async Task<double> CallMedianAsync(Func<Task> call)
    {
        var timings = new List<double>();
        for (var round = 0; round < 12; round++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            if (round >= 2)
            {
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        return Median(timings);
    }

    private static async Task SeedPendingRequestsAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = DateTime.UtcNow;
        for (var batch = 0; batch < count; batch += 1000)
        {
            for (var i = batch; i < batch + 1000; i++)
            {
                var email = $"queue-{i}@example.com";
                var user = new EnrollmentUser
                {
                    UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                    EmailConfirmed = true, DisplayName = $"Requester {i}", EmployeeId = $"Q{i:D6}", CreatedAt = now, SecurityStamp = Guid.NewGuid().ToString(),
                };
                db.Users.Add(user);
                db.Requests.Add(new EnrollmentRequest
                {
                    Id = Guid.NewGuid(), RequesterId = user.Id, Profile = "privileged-access", State = RequestState.Pending,
                    Justification = $"Maintenance window {i}: database administration.", SubmittedAt = now.AddMinutes(-i),
                });
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
    }

    private static async Task IssueManyAsync(IServiceProvider services, EnrollmentUser user, int count)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) => await IssueAsync(services, user));
    }

    internal static async Task<(X509Certificate2 Certificate, ECDsa Key)> IssueAsync(IServiceProvider services, EnrollmentUser user)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(user, new PublicKey(key), null, default);
        return (result.Certificate ?? throw new InvalidOperationException(result.Refusal?.ToString()), key);
    }

    internal static async Task<(EnrollmentUser User, string? AuthenticatorKey)> AddUserAsync(
        IServiceProvider services, string email, bool twoFactor, string role = Roles.Requester, string password = Password)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = new EnrollmentUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Bench " + email.Split('@')[0], EmployeeId = "B-" + email.Length + email[..4], CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join(", ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRolesAsync(user, role == Roles.Requester ? [Roles.Requester] : [Roles.Requester, role]);
        if (!twoFactor)
        {
            return (user, null);
        }
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (user, await users.GetAuthenticatorKeyAsync(user));
    }

    internal static Task<ClaimsPrincipal> PrincipalAsync(IServiceProvider services, EnrollmentUser user) =>
        Enrollment.Testing.Actors.PrincipalOfAsync(services, user);

    internal static async Task SignInAsync(IPage page, string email, string? authenticatorKey, string password = Password)
    {
        await page.GotoAsync("account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        if (authenticatorKey is not null)
        {
            var code = Totp.Code(Totp.DecodeBase32(authenticatorKey), Totp.StepAt(DateTimeOffset.UtcNow)).ToString("D6");
            await page.GetByLabel("Authenticator code").FillAsync(code);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        }
        await page.GetByTestId("account-menu").WaitForAsync();
    }

    internal static BrowserNewContextOptions ContextOptions(Uri url, (X509Certificate2 Certificate, ECDsa Key) certificate) => new()
    {
        IgnoreHTTPSErrors = true,
        BaseURL = url.AbsoluteUri,
        ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = "en-US" },
        ClientCertificates =
        [
            new ClientCertificate
            {
                Origin = url.GetLeftPart(UriPartial.Authority),
                Cert = Encoding.ASCII.GetBytes(certificate.Certificate.ExportCertificatePem()),
                Key = Encoding.ASCII.GetBytes(certificate.Key.ExportPkcs8PrivateKeyPem()),
            },
        ],
    };

    internal static string ChromiumPath => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.First(File.Exists);

    internal static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArguments });

    internal static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    internal static void Report(string key, double value) =>
        Console.WriteLine(FormattableString.Invariant($"{key}={value:0.###}"));
}
