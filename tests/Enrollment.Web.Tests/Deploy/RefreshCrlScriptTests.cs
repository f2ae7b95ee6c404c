using Enrollment.Ca.Authority;
using Enrollment.Testing;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Enrollment.Web.Tests.Deploy;

/// <summary>
/// deploy/nginx/refresh-crl.sh, which keeps nginx's ssl_crl file current, against a CRL replayed
/// from the past: a lower CRL number than the file holds would hide every revocation since.
/// </summary>
public sealed class RefreshCrlScriptTests
{
    [Fact]
    public async Task OlderCrlThanTheOneInUse_IsRefused_AndTheFileKept()
    {
        await using var portal = await RunningPortal.StartAsync();
        using var files = new TemporaryDirectory();
        var authority = portal.Services.GetRequiredService<CertificateAuthority>();
        var publisher = portal.Services.GetRequiredService<CrlPublisher>();
        var cas = files.Write("cas.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        var target = files.File("crl.pem");
        var older = (await publisher.PublishAsync("test", default)).Der;
        await publisher.PublishAsync("test", default);
        var current = Refresh(portal.Http.AbsoluteUri, target, cas, files);
        Assert.Equal(0, current.ExitCode);
        var inUse = await File.ReadAllTextAsync(target);
        await using var replay = await ServeAsync(older, portal.Services.GetRequiredService<RootCrlFile>().File.Current!.Der);

        var replayed = Refresh(replay.Urls.Single(), target, cas, files);

        Assert.Equal(1, replayed.ExitCode);
        Assert.Contains("lower than", replayed.Error, StringComparison.Ordinal);
        Assert.Equal(inUse, await File.ReadAllTextAsync(target));
    }

    private static CommandResult Refresh(string portal, string target, string cas, TemporaryDirectory files) =>
        Command.Run(Path.Combine(Repository.Root, "deploy", "nginx", "refresh-crl.sh"), files.Path, portal, target, cas, "true");

    /// <summary>A server on loopback answering the PKI addresses with the given CRLs.</summary>
    private static async Task<WebApplication> ServeAsync(byte[] issuingCrl, byte[] rootCrl)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/pki/issuing.crl", () => Results.Bytes(issuingCrl, "application/pkix-crl"));
        app.MapGet("/pki/root.crl", () => Results.Bytes(rootCrl, "application/pkix-crl"));
        await app.StartAsync();
        return app;
    }
}
