using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Enrollment.Web.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

/// <summary>
/// Chromium holding the user's certificate the way an employee's browser does: in its own
/// certificate store (NSS, under $HOME/.pki/nssdb), trusting the portal's TLS certificate, and
/// choosing the certificate for the portal by the profile's per-site "auto-select" setting (what the
/// AutoSelectCertificateForUrls policy sets in a managed browser).
/// </summary>
/// <remarks>
/// Playwright's own clientCertificates option answers the TLS certificate request in a proxy inside
/// its node driver: every request and every WebSocket frame is decrypted and encrypted once more by
/// another process, and Chromium, which sees the proxy's certificate as an error, caches nothing.
/// On two cores that doubled the time a page took to become interactive (bench/README.md).
/// </remarks>
internal static class CertificateStoreBrowser
{
    /// <summary>
    /// A persistent Chromium profile under <paramref name="directory"/> (made afresh) for the portal
    /// running in this process, and the page it opens with.
    /// </summary>
    public static async Task<(IBrowserContext Context, IPage Page)> LaunchAsync(
        IPlaywright playwright, WebApplication portal, (X509Certificate2 Certificate, ECDsa Key) user, string directory)
    {
        var url = new Uri(portal.Urls.Single());
        var portalTls = portal.Services.GetRequiredService<TlsCertificateStore>().Certificate;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        var home = Path.Combine(directory, "home");
        var nss = "sql:" + Directory.CreateDirectory(Path.Combine(home, ".pki", "nssdb")).FullName;
        var tlsPem = Path.Combine(directory, "portal-tls.pem");
        await File.WriteAllTextAsync(tlsPem, portalTls.ExportCertificatePem());
        // A random password only to carry the key from this process into the store.
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var pkcs12 = Path.Combine(directory, "user.p12");
        using (var withKey = ECDsaCertificateExtensions.CopyWithPrivateKey(user.Certificate, user.Key))
        {
            await File.WriteAllBytesAsync(pkcs12, withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password));
        }
        await RunAsync("certutil", "-N", "-d", nss, "--empty-password");
        // "P,,": a trusted peer for TLS, as the portal's self-signed development certificate needs.
        await RunAsync("certutil", "-A", "-d", nss, "-n", "enrollment-portal", "-t", "P,,", "-i", tlsPem);
        await RunAsync("pk12util", "-i", pkcs12, "-d", nss, "-W", password, "-K", "");
        File.Delete(pkcs12);

        var profile = Directory.CreateDirectory(Path.Combine(directory, "profile", "Default")).Parent!.FullName;
        var origin = url.GetLeftPart(UriPartial.Authority);
        var preferences = new Dictionary<string, object>
        {
            ["profile"] = new Dictionary<string, object>
            {
                ["content_settings"] = new Dictionary<string, object>
                {
                    ["exceptions"] = new Dictionary<string, object>
                    {
                        // An empty filter matches the one certificate in the store.
                        ["auto_select_certificate"] = new Dictionary<string, object>
                        {
                            [$"{origin},*"] = new { setting = new { filters = new[] { new { } } } },
                        },
                    },
                },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(profile, "Default", "Preferences"), JsonSerializer.Serialize(preferences));
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = PageBench.ChromiumPath,
            Headless = true,
            Args = PageBench.ChromiumArguments,
            Env = new Dictionary<string, string> { ["HOME"] = home },
            BaseURL = url.AbsoluteUri,
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Accept-Language"] = "en-US" },
        });
        // A persistent context starts with a page open.
        return (context, context.Pages.FirstOrDefault() ?? await context.NewPageAsync());
    }

    private static async Task RunAsync(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed: {error}");
        }
    }
}
