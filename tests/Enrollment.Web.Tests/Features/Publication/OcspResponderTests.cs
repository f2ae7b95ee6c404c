using System.Net;
using System.Net.Http.Headers;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Testing;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Publication;

/// <summary>The OCSP responder of a running portal, judged by <c>openssl ocsp</c>.</summary>
public sealed class OcspResponderTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Post_IssuedCertificate_IsGoodThenRevokedWithTheReasonAtOnce()
    {
        var user = await fixture.AddUserAsync("ocsp-good@example.com", "OCSP-1");
        var (serial, pem) = await fixture.IssueAsync(user);

        var before = Query("-cert", pem);
        await Revoke(serial, RevocationReason.KeyCompromise);
        var after = Query("-cert", pem);

        Assert.Contains("Response verify OK", before, StringComparison.Ordinal);
        Assert.Contains($"{pem}: good", before, StringComparison.Ordinal);
        Assert.Contains("Response verify OK", after, StringComparison.Ordinal);
        Assert.Contains($"{pem}: revoked", after, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", after, StringComparison.Ordinal);
    }

    [Fact]
    public void Post_SerialNeverIssued_IsUnknownNotGood()
    {
        var serial = SerialNumber.ToCanonical(SerialNumber.Create());

        var output = Query("-serial", "0x" + serial);

        Assert.Contains($"0x{serial}: unknown", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithNonce_EchoesTheNonce()
    {
        var user = await fixture.AddUserAsync("ocsp-nonce@example.com", "OCSP-2");
        var (_, pem) = await fixture.IssueAsync(user);

        var output = Query("-cert", pem, "-resp_text");

        Assert.Contains("OCSP Nonce:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING: no nonce in response", output, StringComparison.Ordinal);
        Assert.DoesNotContain("nonce verify error", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_Base64Request_IsAnsweredWithCachingHeaders()
    {
        var user = await fixture.AddUserAsync("ocsp-get@example.com", "OCSP-3");
        var (_, pem) = await fixture.IssueAsync(user);
        var requestPath = fixture.Files.File("get-req.der");
        OpenSsl.Ok(fixture.Files.Path, "ocsp", "-no_nonce", "-issuer", fixture.IssuingPem, "-cert", pem, "-reqout", requestPath);
        var encoded = Uri.EscapeDataString(Convert.ToBase64String(File.ReadAllBytes(requestPath)));

        using var client = fixture.Portal.Client();
        using var response = await client.GetAsync(new Uri(fixture.Portal.Http, "pki/ocsp/" + encoded));
        var body = await response.Content.ReadAsByteArrayAsync();
        var text = OpenSsl.Ok(fixture.Files.Path, "ocsp", "-respin", fixture.Files.Write("get-resp.der", body),
            "-issuer", fixture.IssuingPem, "-cert", pem, "-CAfile", fixture.ChainPem);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType?.MediaType);
        // Capped at Enrollment:Ca:OcspHttpMaxAgeSeconds (5 minutes), far below the answer's 24 hours.
        Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl?.MaxAge);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Contains($"{pem}: good", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SameRequestWithoutNonce_IsServedPreSignedUntilTheStatusChanges()
    {
        var user = await fixture.AddUserAsync("ocsp-cache@example.com", "OCSP-4");
        var (serial, pem) = await fixture.IssueAsync(user);
        var request = fixture.Files.File("cache-req.der");
        OpenSsl.Ok(fixture.Files.Path, "ocsp", "-no_nonce", "-issuer", fixture.IssuingPem, "-cert", pem, "-reqout", request);

        // Another test's revocation drops every cached answer when the refresh service sees it (within
        // a second): a pair of answers counts only when no status changed around it.
        var records = fixture.Portal.Services.GetRequiredService<Enrollment.Data.Certificates.RevocationRecords>();
        byte[] first, second;
        var attempts = 0;
        do
        {
            var epoch = await records.ReadEpochAsync(default);
            await Task.Delay(1100); // the refresh service has seen that epoch
            first = await PostAsync(File.ReadAllBytes(request));
            await Task.Delay(1100); // producedAt has whole seconds: a re-signed answer would differ.
            second = await PostAsync(File.ReadAllBytes(request));
            if (await records.ReadEpochAsync(default) == epoch)
            {
                break;
            }
        }
        while (++attempts < 3);
        await Revoke(serial, RevocationReason.CessationOfOperation);
        var third = await PostAsync(File.ReadAllBytes(request));

        Assert.Equal(first, second);
        Assert.NotEqual(second, third);
        var text = OpenSsl.Ok(fixture.Files.Path, "ocsp", "-respin", fixture.Files.Write("third.der", third),
            "-issuer", fixture.IssuingPem, "-cert", pem, "-CAfile", fixture.ChainPem);
        Assert.Contains("Reason: cessationOfOperation", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task Post_Garbage_GetsMalformedRequestNotAServerError(string body)
    {
        var answer = await PostAsync(System.Text.Encoding.ASCII.GetBytes(body));
        var text = OpenSsl.Run(fixture.Files.Path, "ocsp", "-respin", fixture.Files.Write("malformed.der", answer), "-resp_text").All;

        Assert.Equal([0x30, 0x03, 0x0A, 0x01, 0x01], answer);
        Assert.Contains("malformedrequest (1)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Post_RequestWithACertIdHashedWithSha384_IsUnauthorizedNotAnInternalError()
    {
        // Found by the fuzz harness: such a CertID passed the reader, was answered "unknown", and the
        // echo of its hash algorithm then failed the response lint, giving internalError.
        var result = OpenSsl.Run(fixture.Files.Path, "ocsp", "-issuer", fixture.IssuingPem, "-serial", "0x0102",
            "-sha384", "-serial", "0x0103", "-url", fixture.OcspUrl);

        Assert.Contains("unauthorized (6)", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Post_RequestForAnotherIssuer_IsUnauthorized()
    {
        using var other = new TestAuthority();

        var result = OpenSsl.Run(fixture.Files.Path, "ocsp", "-issuer", other.IssuingPem, "-serial", "0x0102", "-url", fixture.OcspUrl);

        Assert.Contains("unauthorized (6)", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OversizedBody_Gets413AndTheResponderStillAnswers()
    {
        using var client = fixture.Portal.Client();
        using var content = new ByteArrayContent(new byte[64 * 1024]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");

        using var response = await client.PostAsync(fixture.OcspUrl, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("unknown", Query("-serial", "0x0A0B0C"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The responder driven and judged by BouncyCastle instead of OpenSSL: CertIDs hashed with SHA-1
    /// and SHA-256, a nonce echoed, the answer signed by the delegated signer, the reason kept.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BouncyCastleRequestWithNonce_IsGoodThenRevokedWithTheReason(bool sha256)
    {
        var user = await fixture.AddUserAsync($"ocsp-bc-{sha256}@example.com".ToLowerInvariant(), sha256 ? "OCSP-BC-256" : "OCSP-BC-1");
        var (serial, _) = await fixture.IssueAsync(user);
        var issuing = fixture.Authority.Issuing.RawData;
        var number = new Org.BouncyCastle.Math.BigInteger(serial, 16);
        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);

        var good = BouncyCastleJudge.OcspResponse(await PostAsync(BouncyCastleJudge.OcspRequest(issuing, number, nonce, sha256)), issuing, number);
        await Revoke(serial, RevocationReason.CessationOfOperation);
        var revoked = BouncyCastleJudge.OcspResponse(await PostAsync(BouncyCastleJudge.OcspRequest(issuing, number, nonce, sha256)), issuing, number);

        Assert.Equal("good", good.Status);
        Assert.Equal(nonce, good.Nonce);
        Assert.NotNull(good.NextUpdate);
        Assert.Equal(("revoked", (int?)5), (revoked.Status, revoked.Reason));
        Assert.Equal(nonce, revoked.Nonce);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Post_BouncyCastleRequestForSeveralCertificates_AnswersEachWithItsOwnStatus(bool sha256, bool withNonce)
    {
        var user = await fixture.AddUserAsync($"ocsp-bc-several-{sha256}@example.com".ToLowerInvariant(), sha256 ? "OCSP-BCS-256" : "OCSP-BCS-1");
        var (good, _) = await fixture.IssueAsync(user);
        var (revoked, _) = await fixture.IssueAsync(user);
        await Revoke(revoked, RevocationReason.KeyCompromise);
        var issuing = fixture.Authority.Issuing.RawData;
        var never = new Org.BouncyCastle.Math.BigInteger(1, SerialNumber.Create());
        Org.BouncyCastle.Math.BigInteger[] serials = [new(good, 16), new(revoked, 16), never];
        var nonce = withNonce ? System.Security.Cryptography.RandomNumberGenerator.GetBytes(16) : null;

        var answers = BouncyCastleJudge.OcspResponses(await PostAsync(BouncyCastleJudge.OcspRequest(issuing, serials, nonce, sha256)), issuing, serials);

        Assert.Equal("good", answers[serials[0]].Status);
        Assert.Equal(("revoked", (int?)1), (answers[serials[1]].Status, answers[serials[1]].Reason));
        Assert.Equal("unknown", answers[never].Status);
        Assert.Equal(nonce, answers[never].Nonce);
    }

    [Fact]
    public async Task Post_BouncyCastleRequestForASerialNeverIssued_IsUnknownNeverGood()
    {
        var issuing = fixture.Authority.Issuing.RawData;
        var number = new Org.BouncyCastle.Math.BigInteger(1, SerialNumber.Create());

        var answer = BouncyCastleJudge.OcspResponse(await PostAsync(BouncyCastleJudge.OcspRequest(issuing, number)), issuing, number);

        Assert.Equal("unknown", answer.Status);
        Assert.Null(answer.Nonce);
    }

    private string Query(params string[] arguments) =>
        OpenSsl.Run(fixture.Files.Path, ["ocsp", "-issuer", fixture.IssuingPem, "-CAfile", fixture.ChainPem, "-url", fixture.OcspUrl, .. arguments]).All;

    private async Task<byte[]> PostAsync(byte[] body)
    {
        using var client = fixture.Portal.Client();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var response = await client.PostAsync(fixture.OcspUrl, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private Task Revoke(string serial, RevocationReason reason) =>
        fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(serial, reason, "test", null, default);
}
