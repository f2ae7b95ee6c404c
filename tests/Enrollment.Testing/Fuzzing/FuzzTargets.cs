using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Gate;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Policy;
using Enrollment.Web.Features.Gate;

namespace Enrollment.Testing.Fuzzing;

/// <summary>
/// Every parser that takes outside input, each with valid samples made by OpenSSL or by our own CA:
/// CSRs (DER and PEM, as uploaded or made in the browser), OCSP requests (the reader, and the
/// running portal's POST and GET endpoints), the forwarded-certificate header, and the PKCS#12 file
/// of the <c>ca import</c> verb. BouncyCastle reads the same inputs (<see cref="BouncyCastlePeers"/>).
/// </summary>
public static class FuzzTargets
{
    public const string ImportPassword = "fuzz import password";

    public static IReadOnlyList<FuzzTarget> Parsers(TemporaryDirectory files, TestAuthority authority)
    {
        var csrPem = new[] { "P-256", "P-384", "RSA-2048" }
            .Select(kind => File.ReadAllBytes(Csrs.Make(files, "fuzz-" + kind, kind, "/CN=Fuzz/O=Enrollment/emailAddress=fuzz@example.com").Csr))
            .ToList();
        var csrDer = csrPem.Select(pem => PemEncoding.Find(Encoding.ASCII.GetString(pem)) is var found
            ? Convert.FromBase64String(Encoding.ASCII.GetString(pem)[found.Base64Data])
            : throw new InvalidOperationException("openssl wrote no PEM")).ToList();
        var ocsp = OcspRequests(files, authority.IssuingPem);
        // The issuing CA's certificate, and a client certificate it issued, which goes deeper into the gate.
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var client = new Ca.Issuance.ClientCertificateBuilder(authority.Authority, TestAuthority.Urls).Sign(new Ca.Issuance.IssuanceTemplate(
            Ca.Serials.SerialNumber.Create(), new Ca.Issuance.CertificateSubject("Fuzz Example", "Enrollment", "F1001", "fuzz@example.com", "fuzz@corp.example"),
            new PublicKey(clientKey), now.AddMinutes(-1), now.AddDays(30), "privileged-access"));
        var header = new[] { authority.Authority.Issuing, client }
            .Select(certificate => Encoding.ASCII.GetBytes(Uri.EscapeDataString(certificate.ExportCertificatePem()))).ToList();
        return
        [
            new FuzzTarget("csr-der", csrDer, input => Task.FromResult(ReadCsr(input)), BouncyCastlePeers.Csr),
            new FuzzTarget("csr-pem", csrPem, input => Task.FromResult(ReadCsr(input)), BouncyCastlePeers.Csr),
            new FuzzTarget("ocsp-request", ocsp, input => Task.FromResult(OcspRequestReader.Read(input) is null
                ? FuzzOutcome.Refuse("malformedRequest")
                : FuzzOutcome.Accept), BouncyCastlePeers.OcspRequest),
            new FuzzTarget("forwarded-certificate-header", header, input => Task.FromResult(
                ForwardedCertificateMiddleware.Decode(Encoding.Latin1.GetString(input)) switch
                {
                    // What the header decodes to goes through the gate's verifier, as in the portal; its verdict is noted.
                    ({ } certificate, _) => Disposed(certificate, FuzzOutcome.AcceptNoting(
                        "gate: " + ClientCertificateVerifier.Verify(certificate, authority.Authority, DateTimeOffset.UtcNow).Failure)),
                    (null, true) => FuzzOutcome.Refuse("malformed forwarded certificate"),
                    _ => FuzzOutcome.Refuse("no certificate"),
                }), BouncyCastlePeers.ForwardedCertificate),
            CaImport(files, authority),
        ];
    }

    /// <summary>The running portal's OCSP endpoints, fed over HTTP: any 5xx is a crash.</summary>
    public static IReadOnlyList<FuzzTarget> OcspEndpoints(HttpClient client, TemporaryDirectory files, string issuingPem)
    {
        var samples = OcspRequests(files, issuingPem);
        return
        [
            new FuzzTarget("ocsp-http-post", samples, async input =>
            {
                using var content = new ByteArrayContent(input);
                content.Headers.ContentType = new("application/ocsp-request");
                using var response = await client.PostAsync("pki/ocsp", content);
                return await JudgeAsync(response);
            }),
            new FuzzTarget("ocsp-http-get", samples, async input =>
            {
                using var response = await client.GetAsync("pki/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(input)));
                return await JudgeAsync(response);
            }),
        ];
    }

    private static FuzzOutcome ReadCsr(byte[] input)
    {
        var verdict = SigningRequestReader.Read(input);
        return verdict.Accepted is not null ? FuzzOutcome.Accept : FuzzOutcome.Refuse(verdict.Refusal?.Message);
    }

    /// <summary>The verb's own path: a throw-away store, the provisioner, and the exceptions the verb turns into "error: ...".</summary>
    private static FuzzTarget CaImport(TemporaryDirectory files, TestAuthority authority)
    {
        var ca = authority.Authority;
        var collection = new X509Certificate2Collection
        {
            X509CertificateLoader.LoadPkcs12(ca.Issuing.CopyWithPrivateKey(ca.IssuingKey).Export(X509ContentType.Pkcs12), null),
            X509CertificateLoader.LoadCertificate(ca.Root.RawData),
        };
        var sample = collection.Export(X509ContentType.Pkcs12, ImportPassword)!;
        var generator = new CaGenerator(new CaGenerationOptions(), TestAuthority.Urls, TimeProvider.System);
        var store = Path.Combine(files.Path, "import-store");
        return new FuzzTarget("ca-import-pkcs12", [sample], Peer: input => BouncyCastlePeers.Pkcs12(input, ImportPassword), Try: input =>
        {
            try
            {
                Directory.CreateDirectory(store);
                using var imported = new CaProvisioner(new CaStore(store, new PassphraseKeyProtector("fuzz store")), generator, TimeProvider.System)
                    .Import(input, ImportPassword);
                return Task.FromResult(FuzzOutcome.Accept);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException)
            {
                return Task.FromResult(FuzzOutcome.Refuse(e.Message));
            }
            finally
            {
                Directory.Delete(store, recursive: true);
            }
        });
    }

    /// <summary>OpenSSL's requests for our issuer: SHA-1 and SHA-256 CertIDs, with and without a nonce, one and two serials.</summary>
    private static List<byte[]> OcspRequests(TemporaryDirectory files, string issuingPem)
    {
        var requests = new List<byte[]>();
        // OpenSSL wants the CertID digest before the serials it applies to.
        (string[] Before, string[] After)[] variants =
        [
            ([], ["-no_nonce"]), ([], ["-nonce"]), (["-sha256"], ["-no_nonce"]), ([], ["-serial", "0x7F0102", "-nonce"]),
        ];
        foreach (var ((before, after), index) in variants.Select((v, i) => (v, i)))
        {
            var path = files.File($"fuzz-ocsp-{index}.der");
            OpenSsl.Ok(files.Path, ["ocsp", "-issuer", issuingPem, .. before, "-serial", "0x1234ABCD", .. after, "-reqout", path]);
            requests.Add(File.ReadAllBytes(path));
        }
        return requests;
    }

    /// <summary>An OCSP answer: a 5xx or internalError is a crash; otherwise the responseStatus (or the HTTP refusal) is the message.</summary>
    private static async Task<FuzzOutcome> JudgeAsync(HttpResponseMessage response)
    {
        if ((int)response.StatusCode >= 500)
        {
            return FuzzOutcome.Crashed($"HTTP {(int)response.StatusCode}");
        }
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return FuzzOutcome.Refuse($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/ocsp-response" || body.Length < 5)
        {
            return FuzzOutcome.Crashed($"HTTP 200 without an OCSP response ({response.Content.Headers.ContentType})");
        }
        // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, ... }: the status sits after the
        // SEQUENCE header (short or long form) as 0A 01 nn.
        var at = body[1] < 0x80 ? 2 : 2 + (body[1] & 0x7F);
        var status = body.Length > at + 2 && body[at] == 0x0A && body[at + 1] == 0x01 ? body[at + 2] : -1;
        return status switch
        {
            0 => FuzzOutcome.Accept,
            1 => FuzzOutcome.Refuse("malformedRequest"),
            // internalError means the responder itself failed on the input: a crash, not a refusal.
            2 => FuzzOutcome.Crashed("OCSP internalError"),
            3 => FuzzOutcome.Refuse("tryLater"),
            5 => FuzzOutcome.Refuse("sigRequired"),
            6 => FuzzOutcome.Refuse("unauthorized"),
            _ => FuzzOutcome.Crashed($"unreadable OCSP responseStatus {status}"),
        };
    }

    private static FuzzOutcome Disposed(X509Certificate2 certificate, FuzzOutcome outcome)
    {
        certificate.Dispose();
        return outcome;
    }
}
