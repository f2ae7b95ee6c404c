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
            PageBench.Report($"ocsp_{name}_seconds", Timing.Median(3, () => Resign(ca, count)));
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
    private static void Resign(TestAuthority ca, int count)
    {
        var issuerNameHash = SHA1.HashData(ca.Authority.Issuing.SubjectName.RawData);
        var issuerKeyHash = SHA1.HashData(ca.Authority.Issuing.PublicKey.EncodedKeyValue.RawData);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var serial = SerialNumber.Create();
            var certId = new CertId(Enrollment.Ca.Oids.Sha1, issuerNameHash, issuerKeyHash, serial, CertIdEncoding(issuerNameHash, issuerKeyHash, serial));
            OcspResponseEncoder.Successful(ca.Authority, [new SingleAnswer(certId, CertificateStatus.Good, now, now.AddDays(1))], now, null);
        }
    }

    private static byte[] CertIdEncoding(byte[] nameHash, byte[] keyHash, byte[] serial)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Enrollment.Ca.Oids.Sha1);
                writer.WriteNull();
            }
            writer.WriteOctetString(nameHash);
            writer.WriteOctetString(keyHash);
            writer.WriteIntegerUnsigned(serial);
        }
        return writer.Encode();
    }


}
