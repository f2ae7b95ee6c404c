using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Enrollment.Testing;

/// <summary>
/// BouncyCastle's reading of what the CA made: a second judge beside OpenSSL, with its own ASN.1
/// parser and signature code. Each method checks the signature against the issuer and returns the
/// facts the tests assert on; a structure BouncyCastle cannot read or a signature that does not
/// verify throws.
/// </summary>
public static class BouncyCastleJudge
{
    /// <summary>A certificate as BouncyCastle reads it.</summary>
    public sealed record CertificateFacts(
        BigInteger Serial, string Subject, DateTime NotBefore, DateTime NotAfter, int PathLength, bool[]? KeyUsage,
        IReadOnlyList<string> ExtendedKeyUsage, IReadOnlySet<string> CriticalExtensions, IReadOnlySet<string> NonCriticalExtensions);

    /// <summary>A CRL as BouncyCastle reads it: number, times, and each entry's serial with its reason (null when absent).</summary>
    public sealed record CrlFacts(BigInteger Number, DateTime ThisUpdate, DateTime? NextUpdate, IReadOnlyDictionary<BigInteger, int?> Entries);

    /// <summary>One OCSP answer: the CertID matched the issuer and serial asked about; status good, revoked (with reason) or unknown.</summary>
    public sealed record OcspFacts(string Status, int? Reason, DateTime? RevokedAt, byte[]? Nonce, DateTime ThisUpdate, DateTime? NextUpdate);

    public static CertificateFacts Certificate(byte[] der, byte[] issuerDer)
    {
        var certificate = new X509CertificateParser().ReadCertificate(der);
        certificate.Verify(new X509CertificateParser().ReadCertificate(issuerDer).GetPublicKey());
        return new CertificateFacts(
            certificate.SerialNumber, certificate.SubjectDN.ToString(), certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(),
            certificate.GetBasicConstraints(), certificate.GetKeyUsage(),
            certificate.GetExtendedKeyUsage()?.Select(o => o.Id).ToList() ?? [],
            certificate.GetCriticalExtensionOids()?.ToHashSet() ?? [], certificate.GetNonCriticalExtensionOids()?.ToHashSet() ?? []);
    }

    public static CrlFacts Crl(byte[] der, byte[] issuerDer)
    {
        var crl = new X509CrlParser().ReadCrl(der);
        crl.Verify(new X509CertificateParser().ReadCertificate(issuerDer).GetPublicKey());
        var number = DerInteger.GetInstance(X509ExtensionUtilities.FromExtensionValue(crl.GetExtensionValue(X509Extensions.CrlNumber))).Value;
        var entries = (crl.GetRevokedCertificates() ?? new HashSet<X509CrlEntry>()).ToDictionary(
            entry => entry.SerialNumber,
            entry => entry.GetExtensionValue(X509Extensions.ReasonCode) is { } reason
                ? (int?)DerEnumerated.GetInstance(X509ExtensionUtilities.FromExtensionValue(reason)).IntValueExact
                : null);
        return new CrlFacts(number, crl.ThisUpdate.ToUniversalTime(), crl.NextUpdate?.ToUniversalTime(), entries);
    }

    /// <summary>A request for one certificate's status, its CertID hashed with SHA-1 (OpenSSL's default) or SHA-256.</summary>
    public static byte[] OcspRequest(byte[] issuerDer, BigInteger serial, byte[]? nonce = null, bool sha256 = false) =>
        OcspRequest(issuerDer, [serial], nonce, sha256);

    /// <summary>A request for the status of several certificates in one, every CertID hashed alike.</summary>
    public static byte[] OcspRequest(byte[] issuerDer, IReadOnlyList<BigInteger> serials, byte[]? nonce = null, bool sha256 = false)
    {
        var generator = new OcspReqGenerator();
        var issuer = new X509CertificateParser().ReadCertificate(issuerDer);
        foreach (var serial in serials)
        {
            generator.AddRequest(new CertificateID(sha256 ? new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance) : CertificateID.DigestSha1, issuer, serial));
        }
        if (nonce is not null)
        {
            generator.SetRequestExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = new(false, new DerOctetString(new DerOctetString(nonce).GetEncoded())),
            }));
        }
        return generator.Generate().GetEncoded();
    }

    /// <summary>
    /// An OCSP response to a one-certificate request: successful, signed by the responder certificate
    /// it carries, that certificate issued by our issuing CA for OCSP signing, and the CertID the one asked about.
    /// </summary>
    public static OcspFacts OcspResponse(byte[] der, byte[] issuerDer, BigInteger serial) => OcspResponses(der, issuerDer, [serial])[serial];

    /// <summary>
    /// An OCSP response to a request about several certificates: as for one, with exactly one answer
    /// for each serial asked about, each CertID matching our issuer.
    /// </summary>
    public static IReadOnlyDictionary<BigInteger, OcspFacts> OcspResponses(byte[] der, byte[] issuerDer, IReadOnlyList<BigInteger> serials)
    {
        var response = new OcspResp(der);
        if (response.Status != OcspRespStatus.Successful)
        {
            throw new InvalidOperationException($"OCSP response status {response.Status}");
        }
        var basic = (BasicOcspResp)response.GetResponseObject();
        var issuer = new X509CertificateParser().ReadCertificate(issuerDer);
        var responder = basic.GetCerts().Single();
        responder.Verify(issuer.GetPublicKey());
        if (!basic.Verify(responder.GetPublicKey()) || responder.GetExtendedKeyUsage()?.Any(o => o.Id == "1.3.6.1.5.5.7.3.9") != true)
        {
            throw new InvalidOperationException("The OCSP response is not signed by an OCSP signer of the issuing CA.");
        }
        var nonce = basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce) is { } value
            ? Asn1OctetString.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).GetOctets()
            : null;
        var answers = basic.Responses;
        if (answers.Length != serials.Count || answers.Any(a => !a.GetCertID().MatchesIssuer(issuer)))
        {
            throw new InvalidOperationException("The OCSP answers are not one per certificate asked about, or name another issuer.");
        }
        return serials.ToDictionary(serial => serial, serial => Facts(answers.Single(a => a.GetCertID().SerialNumber.Equals(serial)), nonce));
    }

    private static OcspFacts Facts(SingleResp single, byte[]? nonce) => single.GetCertStatus() switch
    {
        null => new OcspFacts("good", null, null, nonce, single.ThisUpdate.ToUniversalTime(), single.NextUpdate?.ToUniversalTime()),
        RevokedStatus revoked => new OcspFacts("revoked", revoked.HasRevocationReason ? revoked.RevocationReason : null,
            revoked.RevocationTime.ToUniversalTime(), nonce, single.ThisUpdate.ToUniversalTime(), single.NextUpdate?.ToUniversalTime()),
        _ => new OcspFacts("unknown", null, null, nonce, single.ThisUpdate.ToUniversalTime(), single.NextUpdate?.ToUniversalTime()),
    };

    /// <summary>
    /// Opens a PKCS#12 file with its password: its one key must be the private half of its leaf
    /// certificate. Returns the leaf and the length of the chain the file's certificates make.
    /// </summary>
    public static (CertificateFacts Leaf, int ChainLength) Pkcs12(byte[] pfx, string password, byte[] issuerDer)
    {
        var store = new Pkcs12StoreBuilder().Build();
        store.Load(new MemoryStream(pfx), password.ToCharArray());
        var keyAlias = store.Aliases.Single(store.IsKeyEntry);
        var leaf = store.GetCertificate(keyAlias).Certificate;
        var matches = (store.GetKey(keyAlias).Key, leaf.GetPublicKey()) switch
        {
            (ECPrivateKeyParameters key, ECPublicKeyParameters certificateKey) => key.Parameters.G.Multiply(key.D).Normalize().Equals(certificateKey.Q.Normalize()),
            (RsaPrivateCrtKeyParameters key, RsaKeyParameters certificateKey) => key.Modulus.Equals(certificateKey.Modulus),
            _ => false,
        };
        if (!matches)
        {
            throw new InvalidOperationException("The PKCS#12 key does not belong to its certificate.");
        }
        // The chain BouncyCastle builds from the file's certificates, starting at the key's.
        var chain = store.GetCertificateChain(keyAlias)?.Length ?? 1;
        return (Certificate(leaf.GetEncoded(), issuerDer), chain);
    }
}
