using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Hsm;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Serials;
using Enrollment.Testing;

/// <summary>
/// CA keys in a PKCS#11 token (SoftHSM2) against the same work with software keys, in one process:
/// client certificates signed (build, lint, sign) and OCSP answers re-signed. Medians of three
/// warm rounds; prints "key=value" lines for bench/hsm.sh.
/// </summary>
internal static class HsmBench
{
    public static int Run(int count)
    {
        using var token = Pkcs11Token.Open(SoftHsm.NewToken());
        using var software = new TestAuthority(issuingKeyBits: 384);
        using var inToken = new TestAuthority(issuingKeyBits: 384, token: token);
        foreach (var (name, ca) in new[] { ("software", software), ("token", inToken) })
        {
            PageBench.Report($"issue_{name}_seconds", Timing.Median(3, () => Issue(ca, count)));
            var certIds = CertIds(ca, count);
            PageBench.Report($"ocsp_{name}_seconds", Timing.Median(3, () => Resign(ca, certIds)));
        }
        return 0;
    }

    private static void Issue(TestAuthority ca, int count)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var builder = new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls);
        var subject = new CertificateSubject("Bench Example", "Enrollment", "B1001", "bench@example.com", "bench@corp.example");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            using var _ = builder.Sign(new IssuanceTemplate(SerialNumber.Create(), subject, new PublicKey(key), now, now.AddDays(365), "privileged-access"));
        }
    }

    /// <summary>What the responder does when an answer nears its nextUpdate: encode and sign a new one.</summary>
    private static void Resign(TestAuthority ca, IReadOnlyList<CertId> certIds)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var certId in certIds)
        {
            OcspResponseEncoder.Successful(ca.Authority, [new SingleAnswer(certId, CertificateStatus.Good, now, now.AddDays(1))], now, null);
        }
    }

    /// <summary>CertIDs for our issuer, from BouncyCastle's requests read by our reader, made before the clock runs.</summary>
    private static List<CertId> CertIds(TestAuthority ca, int count) => Enumerable.Range(0, count)
        .Select(_ => OcspRequestReader.Read(BouncyCastleJudge.OcspRequest(
            ca.Authority.Issuing.RawData, new Org.BouncyCastle.Math.BigInteger(1, SerialNumber.Create())))!.CertIds[0])
        .ToList();
}
