using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Gate;

/// <summary>Direct mode at the TLS level, judged by openssl s_client and a real TLS client.</summary>
public sealed class DirectModeTlsTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public void Handshake_AsksForAClientCertificateNamingOnlyOurIssuingCa()
    {
        var result = Command.Run("bash", fixture.Files.Path, "-c",
            $"openssl s_client -connect 127.0.0.1:{fixture.Portal.Https.Port} -servername localhost -tls1_2 </dev/null 2>&1");

        var names = result.Output[result.Output.IndexOf("Acceptable client certificate CA names", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).TakeWhile(line => !line.StartsWith("Requested", StringComparison.Ordinal) && !line.StartsWith("Client Certificate Types", StringComparison.Ordinal))
            .Where(line => line.Trim().Length > 0).ToList();
        Assert.Equal(["O = Enrollment, CN = Enrollment Issuing CA 1"], names.Select(n => n.Trim()));
    }

    [Fact]
    public async Task Handshake_WithAForeignCertificateOrNone_StillReachesThePortal()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Somebody Else", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var foreign = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var withForeign = new HttpClient(new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ClientCertificates = { foreign },
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });
        using var without = fixture.Portal.Client();

        // TLS accepts any certificate, so the portal itself can explain a failure instead of a bare TLS error.
        Assert.Equal(HttpStatusCode.OK, (await withForeign.GetAsync(fixture.Portal.Https)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await without.GetAsync(fixture.Portal.Https)).StatusCode);
    }
}
