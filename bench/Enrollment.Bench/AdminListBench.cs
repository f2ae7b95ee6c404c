using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Certificates;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Infrastructure;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

/// <summary>
/// The admin certificate list over 100,000 certificates issued through the portal's own issuer:
/// first page, searches and sorts on the server and in Chromium, and the CSV export, whose server
/// heap growth is compared between 10,000 and 100,000 rows to show that it streams.
/// Prints "key=value" lines that bench/run.sh reads.
/// </summary>
internal static class AdminListBench
{
    private const int UsersCount = 20_000;

    public static async Task<int> RunAsync(string directory)
    {
        var app = await PageBench.StartPortalAsync(directory);
        try
        {
            var url = new Uri(app.Urls.Single());
            var (admin, key) = await PageBench.AddUserAsync(app.Services, "bench-admin@example.com", twoFactor: true, Roles.Admin);
            var certificate = await PageBench.IssueAsync(app.Services, admin);
            var owners = await SeedUsersAsync(app.Services, UsersCount);
            using var playwright = await Playwright.CreateAsync();
            var (context, page) = await CertificateStoreBrowser.LaunchAsync(playwright, app, certificate, Path.Combine(directory, "chromium"));
            await using var closing = context;
            await PageBench.SignInAsync(page, admin.Email!, key);

            var watch = Stopwatch.StartNew();
            await IssueAsync(app.Services, owners, 10_000 - 1);
            PageBench.Report("issued_10000_seconds", watch.Elapsed.TotalSeconds);
            await ExportAsync(url, page, certificate, "10000");

            watch.Restart();
            await IssueAsync(app.Services, owners, 90_000);
            PageBench.Report("issued_90000_seconds", watch.Elapsed.TotalSeconds);
            PageBench.Report("certificates", await CountAsync(app.Services));

            var principal = await PageBench.PrincipalAsync(app.Services, admin);
            var connection = new ConnectionCertificate(certificate.Certificate, "127.0.0.1");
            var list = app.Services.GetRequiredService<AdminCertificates>();
            var someSerial = await SomeSerialAsync(app.Services);
            var queries = new (string Name, CertificateQuery Query)[]
            {
                ("first_page", new CertificateQuery()),
                ("search_serial", new CertificateQuery(string.Join(':', someSerial.ToLowerInvariant().Chunk(2).Select(c => new string(c))))),
                ("search_email", new CertificateQuery("owner-12345@")),
                ("search_employee_id", new CertificateQuery("E012345")),
                ("search_name", new CertificateQuery("Owner 1234")),
                ("sort_owner", new CertificateQuery(Sort: CertificateSort.Owner, Descending: false)),
                ("sort_expiry", new CertificateQuery(Sort: CertificateSort.Expires, Descending: false)),
                ("filter_revoked", new CertificateQuery(Status: CertificateStatusFilter.Revoked)),
                ("filter_issued_today", new CertificateQuery(IssuedFrom: DateOnly.FromDateTime(DateTime.UtcNow))),
            };
            foreach (var (name, query) in queries)
            {
                PageBench.Report($"service_ms_{name}", await PageBench.CallMedianAsync(() => list.ListAsync(principal, connection, query, 0, 20)));
            }
            PageBench.Report("browser_first_page_ms", await PageBench.MedianAsync(page, "admin/certificates", 1));
            PageBench.Report("browser_rows_visible_ms", await PageBench.RowsVisibleMedianAsync(page, "admin/certificates"));
            PageBench.Report("browser_search_ms", await BrowserSearchMedianAsync(page));
            await ExportAsync(url, page, certificate, "100000");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Downloads the full export with the browser's session cookie and the admin's certificate,
    /// reading the stream without keeping it, while a sampler records how far the server's managed
    /// heap rises above where it started. The server runs in this process; the client keeps nothing.
    /// </summary>
    private static async Task ExportAsync(Uri url, IPage page, (X509Certificate2 Certificate, ECDsa Key) certificate, string label)
    {
        using var withKey = X509CertificateLoader.LoadPkcs12(certificate.Certificate.CopyWithPrivateKey(certificate.Key).Export(X509ContentType.Pkcs12), null);
        using var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = new X509CertificateCollection { withKey },
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        var cookies = await page.Context.CookiesAsync();
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        var peak = baseline;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(5);
            }
        });
        var watch = Stopwatch.StartNew();
        long bytes = 0, lines = 0;
        using (var response = await client.GetAsync("admin/certificates/export.csv", HttpCompletionOption.ResponseHeadersRead))
        {
            if (response.StatusCode != System.Net.HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/csv")
            {
                throw new InvalidOperationException($"export answered {(int)response.StatusCode} {response.Content.Headers.ContentType}");
            }
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        watch.Stop();
        await stop.CancelAsync();
        await sampler;
        PageBench.Report($"export_rows_{label}", lines - 1);
        PageBench.Report($"export_seconds_{label}", watch.Elapsed.TotalSeconds);
        PageBench.Report($"export_mib_{label}", bytes / 1048576.0);
        PageBench.Report($"export_heap_growth_mib_{label}", (peak - baseline) / 1048576.0);
    }

    /// <summary>Typing a search and pressing the button, until the grid shows that owner's rows; two owners in turn.</summary>
    private static async Task<double> BrowserSearchMedianAsync(IPage page)
    {
        await page.GotoAsync("admin/certificates");
        await page.Locator("h1[data-interactive=yes]").WaitForAsync();
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        var timings = new List<double>();
        for (var round = 0; round < 7; round++)
        {
            var owner = round % 2 == 0 ? "owner-12345@example.com" : "owner-2345@example.com";
            await page.GetByLabel("Search").FillAsync(owner.ToUpperInvariant());
            var watch = Stopwatch.StartNew();
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await page.Locator("td", new() { HasText = owner }).First.WaitForAsync(new() { Timeout = 60_000 });
            await page.Locator("[data-grid-state=ready]").WaitForAsync(new() { Timeout = 60_000 });
            watch.Stop();
            if (round >= 2)
            {
                timings.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        return PageBench.Median(timings);
    }

    private static async Task<List<EnrollmentUser>> SeedUsersAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = DateTime.UtcNow;
        var users = new List<EnrollmentUser>(count);
        for (var i = 0; i < count; i++)
        {
            var email = $"owner-{i}@example.com";
            users.Add(new EnrollmentUser
            {
                UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true, DisplayName = $"Owner {i}", EmployeeId = $"E{i:D6}", CreatedAt = now, SecurityStamp = Guid.NewGuid().ToString(),
            });
        }
        db.Users.AddRange(users);
        await db.SaveChangesAsync();
        return users;
    }

    /// <summary>Issues through the portal's issuer (a fresh key per certificate), 16 at a time, owners in turn.</summary>
    private static Task IssueAsync(IServiceProvider services, List<EnrollmentUser> owners, int count)
    {
        var next = Random.Shared.Next(owners.Count);
        return Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, cancellationToken) =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var scope = services.CreateAsyncScope();
            var owner = owners[(int)((uint)Interlocked.Increment(ref next) % owners.Count)];
            var result = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(owner, new PublicKey(key), null, cancellationToken);
            if (result.Refusal is not null)
            {
                throw new InvalidOperationException(result.Refusal.ToString());
            }
        });
    }

    private static async Task<int> CountAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.CountAsync(c => c.State == IssuanceState.Issued);
    }

    private static async Task<string> SomeSerialAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        return await db.Certificates.OrderBy(c => c.Id).Skip(50_000).Select(c => c.SerialNumber).FirstAsync();
    }
}
