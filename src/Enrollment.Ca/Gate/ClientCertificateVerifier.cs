using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;

namespace Enrollment.Ca.Gate;

/// <summary>
/// Judges a presented certificate as a certificate: it must chain to our root through our issuing
/// CA (a custom trust store, never the machine's: docs/pitfalls.md, "Trust store"), be inside its validity and carry
/// clientAuth. Revocation and ownership come from our records afterwards, never from a cached CRL.
/// </summary>
public static class ClientCertificateVerifier
{
    public static CertificateVerdict Verify(X509Certificate2? certificate, CertificateAuthority authority, DateTimeOffset now)
    {
        if (certificate is null)
        {
            return new CertificateVerdict(GateFailure.NoCertificate);
        }
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(authority.Issuing.SubjectName.RawData))
        {
            return new CertificateVerdict(GateFailure.OtherCa, authority.Issuing.Subject);
        }
        if (Validity(certificate) is not { } validity)
        {
            return new CertificateVerdict(GateFailure.UntrustedChain, "unreadable validity");
        }
        if (now < validity.NotBefore)
        {
            return new CertificateVerdict(GateFailure.NotYetValid, null, validity.NotBefore);
        }
        if (now > validity.NotAfter)
        {
            return new CertificateVerdict(GateFailure.Expired, null, validity.NotAfter);
        }
        return VerifyChain(certificate, authority, now);
    }

    /// <summary>
    /// The validity period, or null when a time cannot be read: the BCL loads such a certificate and
    /// throws only when NotBefore or NotAfter is read (docs/pitfalls.md, "Presented certificates").
    /// </summary>
    private static (DateTimeOffset NotBefore, DateTimeOffset NotAfter)? Validity(X509Certificate2 certificate)
    {
        try
        {
            return (new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static CertificateVerdict VerifyChain(X509Certificate2 certificate, CertificateAuthority authority, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(authority.Root);
        policy.ExtraStore.Add(authority.Issuing);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.ApplicationPolicy.Add(new Oid(Oids.ClientAuth));
        bool built;
        try
        {
            built = chain.Build(certificate);
        }
        catch (CryptographicException)
        {
            // A part the loader let through and OpenSSL's verifier cannot read, such as a public key of an unknown algorithm.
            return new CertificateVerdict(GateFailure.UntrustedChain, "unreadable certificate");
        }
        var statuses = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if (!built || statuses != X509ChainStatusFlags.NoError)
        {
            return statuses.HasFlag(X509ChainStatusFlags.NotValidForUsage)
                ? new CertificateVerdict(GateFailure.WrongPurpose)
                // A same-name rogue CA lands here: the signature does not verify with our issuing key.
                : new CertificateVerdict(GateFailure.UntrustedChain, statuses.ToString());
        }
        // The chain must run through exactly our issuing CA and root, not a look-alike.
        var elements = chain.ChainElements;
        return elements.Count == 3 && elements[1].Certificate.RawData.AsSpan().SequenceEqual(authority.Issuing.RawData)
               && elements[2].Certificate.RawData.AsSpan().SequenceEqual(authority.Root.RawData)
            ? CertificateVerdict.Accepted
            : new CertificateVerdict(GateFailure.UntrustedChain, "unexpected chain");
    }
}
