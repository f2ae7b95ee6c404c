using System.Net;
using Enrollment.Ca.Revocation;
using Enrollment.Testing;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Publication;

public sealed class PublicationEndpointsTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData("pki/root.crt")]
    [InlineData("pki/issuing.crt")]
    public async Task GetCertificate_OverPlainHttp_IsDerThatOpenSslReads(string path)
    {
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(new Uri(fixture.Portal.Http, path));
        var der = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkix-cert", response.Content.Headers.ContentType?.MediaType);
        var expected = path.Contains("root", StringComparison.Ordinal) ? fixture.Authority.Root : fixture.Authority.Issuing;
        Assert.Equal(expected.RawData, der);
        OpenSsl.Ok(fixture.Files.Path, "x509", "-inform", "DER", "-in", fixture.Files.Write("served.der", der), "-noout");
    }

    [Fact]
    public async Task GetCrl_AfterRevocation_ListsTheSerialWithItsReasonAndVerifies()
    {
        var user = await fixture.AddUserAsync("crl@example.com", "CRL-1");
        var (serial, _) = await fixture.IssueAsync(user);
        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(serial, RevocationReason.AffiliationChanged, "test", null, default);
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(new Uri(fixture.Portal.Http, "pki/issuing.crl"));
        var path = fixture.Files.Write("served.crl", await response.Content.ReadAsByteArrayAsync());
        var text = OpenSsl.Ok(fixture.Files.Path, "crl", "-inform", "DER", "-in", path, "-CAfile", fixture.ChainPem, "-verify", "-noout", "-text");

        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("verify OK", text, StringComparison.Ordinal);
        Assert.Matches($@"Serial Number: {serial}\s+Revocation Date: .*\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Affiliation Changed", text);
        // BouncyCastle reads the served CRL the same way: signature of the issuing CA, the entry and its reason (3).
        var read = BouncyCastleJudge.Crl(File.ReadAllBytes(path), fixture.Authority.Issuing.RawData);
        Assert.Equal(3, read.Entries[new Org.BouncyCastle.Math.BigInteger(serial, 16)]);
    }

    [Fact]
    public async Task GetRootCrl_OverPlainHttp_IsAnEmptyCrlOfTheRootThatOpenSslVerifies()
    {
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(new Uri(fixture.Portal.Http, "pki/root.crl"));
        var path = fixture.Files.Write("root-served.crl", await response.Content.ReadAsByteArrayAsync());
        var root = fixture.Files.Write("root-only.pem", fixture.Authority.Root.ExportCertificatePem());
        var text = OpenSsl.Ok(fixture.Files.Path, "crl", "-inform", "DER", "-in", path, "-CAfile", root, "-verify", "-noout", "-text");

        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("verify OK", text, StringComparison.Ordinal);
        Assert.Contains("No Revoked Certificates", text, StringComparison.Ordinal);
        Assert.Equal(OpenSsl.Ok(fixture.Files.Path, "x509", "-in", root, "-noout", "-subject").Replace("subject=", string.Empty),
            OpenSsl.Ok(fixture.Files.Path, "crl", "-inform", "DER", "-in", path, "-noout", "-issuer").Replace("issuer=", string.Empty));
    }

    [Fact]
    public async Task GetCrl_Twice_HasAStrictlyIncreasingNumberAfterEachRevocation()
    {
        var user = await fixture.AddUserAsync("crl-number@example.com", "CRL-2");
        var first = await CrlNumberAsync();
        var (serial, _) = await fixture.IssueAsync(user);
        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(serial, RevocationReason.Superseded, "test", null, default);

        Assert.True(await CrlNumberAsync() > first);
    }

    [Fact]
    public async Task GetHome_OverPlainHttp_RedirectsToHttps()
    {
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(fixture.Portal.Http);

        Assert.True(RunningPortal.IsRedirect(response.StatusCode), response.StatusCode.ToString());
        Assert.Equal("https", response.Headers.Location?.Scheme);
        Assert.Equal(fixture.Portal.Https.Port, response.Headers.Location?.Port);
    }

    [Fact]
    public async Task GetHome_OverHttps_SendsHstsAndSecurityHeaders()
    {
        // HSTS is never sent for localhost addresses; a real host name gets it (the portal's own, so it is allowed).
        await using var portal = await RunningPortal.StartAsync("--Enrollment:PortalUrl=https://portal.example/");
        using var client = portal.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, portal.Https);
        request.Headers.Host = "portal.example";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
        Assert.All(response.Headers.GetValues("Set-Cookie"), cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task GetHome_InJapanese_RendersTheJapaneseText()
    {
        using var client = fixture.Portal.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Portal.Https);
        request.Headers.AcceptLanguage.ParseAdd("ja-JP,ja;q=0.9");

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("<html lang=\"ja\">", html, StringComparison.Ordinal);
        Assert.Contains("特権アクセス用クライアント証明書", html, StringComparison.Ordinal);
    }

    private async Task<System.Numerics.BigInteger> CrlNumberAsync()
    {
        using var client = fixture.Portal.Client();
        return CrlInfo.Read(await client.GetByteArrayAsync(new Uri(fixture.Portal.Http, "pki/issuing.crl"))).Number;
    }
}
