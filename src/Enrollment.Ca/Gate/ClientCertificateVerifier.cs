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
        if (now < new DateTimeOffset(certificate.NotBefore.ToUniversalTime()))
        {
            return new CertificateVerdict(GateFailure.NotYetValid, null, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()));
        }
        if (now > new DateTimeOffset(certificate.NotAfter.ToUniversalTime()))
        {
            return new CertificateVerdict(GateFailure.Expired, null, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        }
        return VerifyChain(certificate, authority, now);
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
        var built = chain.Build(certificate);
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
