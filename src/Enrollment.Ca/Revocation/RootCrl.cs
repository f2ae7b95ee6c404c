using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Revocation;

/// <summary>
/// The root's CRL. Verifiers that check every level of the chain (nginx's <c>ssl_crl</c>, OpenSSL's
/// <c>-crl_check_all</c>) need one for the issuing CA certificate as well as the issuing CA's own.
/// Our root signs only the issuing CA and revokes nothing, so the list is empty; it is signed
/// when we hold the root key (the embedded default) and renewed once a third of its life remains.
/// </summary>
public static class RootCrl
{
    public static readonly TimeSpan Validity = TimeSpan.FromDays(90);

    /// <summary>The longest validity the offline root's verb allows: a year between visits to the safe.</summary>
    public static readonly TimeSpan LongestValidity = TimeSpan.FromDays(366);

    public static byte[] Sign(X509Certificate2 root, ECDsa rootKey, BigInteger number, DateTimeOffset now, TimeSpan? validity = null)
    {
        // A handful of bytes: the BCL builder's cost with many entries (docs/pitfalls.md, "CRL encoding") does not arise.
        // Through a signature generator, so the root key may be in a token.
        return new CertificateRevocationListBuilder().Build(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), number,
            now + (validity ?? Validity), HashAlgorithmName.SHA384, X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false), now);
    }

    /// <summary>Whether a new root CRL is due: none yet, or less than a third of its validity left.</summary>
    public static bool IsDue(byte[]? crl, DateTimeOffset now) =>
        crl is null || CrlInfo.Read(crl) is var info && now >= info.NextUpdate - (info.NextUpdate - info.ThisUpdate) / 3;
}
