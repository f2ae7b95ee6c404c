using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Testing;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

/// <summary>
/// Where BouncyCastle could replace what production uses (docs/architecture.md, "BouncyCastle"):
/// ECDSA P-256 signing with the CA's kind of key, and a 100,000-entry CRL, each timed against the
/// BCL and our own encoder in the same process. Medians of warm rounds; prints "key=value" lines.
/// </summary>
internal static class BouncyCastleBench
{
    public static int Run(int signatures, int crlEntries)
    {
        using var authority = new TestAuthority();
        var key = authority.Authority.IssuingKey;
        var bouncyKey = DotNetUtilities.GetKeyPair(key).Private;
        var data = RandomNumberGenerator.GetBytes(256);

        PageBench.Report("sign_bcl_seconds", Timing.Median(3, () =>
        {
            for (var i = 0; i < signatures; i++)
            {
                key.SignData(data, HashAlgorithmName.SHA256);
            }
        }));
        PageBench.Report("sign_bouncycastle_seconds", Timing.Median(3, () =>
        {
            var signer = SignerUtilities.GetSigner("SHA256withECDSA");
            for (var i = 0; i < signatures; i++)
            {
                signer.Init(true, bouncyKey);
                signer.BlockUpdate(data, 0, data.Length);
                signer.GenerateSignature();
            }
        }));

        var now = DateTimeOffset.UtcNow;
        var entries = Enumerable.Range(0, crlEntries)
            .Select(i => new RevokedEntry(SerialNumber.Create(), now.AddSeconds(-i), RevocationReason.KeyCompromise)).ToList();
        PageBench.Report("crl_ours_seconds", Timing.Median(3, () => CrlEncoder.Encode(authority.Authority, 1, now, now.AddDays(7), entries)));
        var issuer = new X509CertificateParser().ReadCertificate(authority.Authority.Issuing.RawData);
        PageBench.Report("crl_bouncycastle_seconds", Timing.Median(3, () =>
        {
            var generator = new X509V2CrlGenerator();
            generator.SetIssuerDN(issuer.SubjectDN);
            generator.SetThisUpdate(now.UtcDateTime);
            generator.SetNextUpdate(now.AddDays(7).UtcDateTime);
            foreach (var entry in entries)
            {
                generator.AddCrlEntry(new Org.BouncyCastle.Math.BigInteger(1, entry.Serial), entry.RevokedAt.UtcDateTime, (int)entry.Reason);
            }
            generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(Org.BouncyCastle.Math.BigInteger.One));
            generator.Generate(new Asn1SignatureFactory("SHA256withECDSA", bouncyKey));
        }));
        using var signingIssuer = authority.Authority.Issuing.CopyWithPrivateKey(key);
        PageBench.Report("crl_bcl_seconds", Timing.Median(3, () =>
        {
            var builder = new CertificateRevocationListBuilder();
            foreach (var entry in entries)
            {
                builder.AddEntry(entry.Serial, entry.RevokedAt, X509RevocationReason.KeyCompromise);
            }
            builder.Build(signingIssuer, BigInteger.One, now.AddDays(7), HashAlgorithmName.SHA256, null, now);
        }));
        return 0;
    }


}
