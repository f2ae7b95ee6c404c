using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;

namespace Enrollment.Web.Features.Admin.Health;

public enum HealthLevel
{
    Ok,
    Warning,
    Error,
}

/// <summary>One CA certificate as the health page shows it.</summary>
public sealed record ChainFacts(string Role, string Subject, string Serial, DateTime NotBefore, DateTime NotAfter, string Sha256, HealthLevel Level);

public sealed record CrlFacts(string Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, int Entries, HealthLevel Level);

public sealed record StatusCounts(int Valid, int ExpiringSoon, int Expired, int Revoked);

/// <summary>A configuration self-check finding: a stable code the page localises, and a detail.</summary>
public sealed record Finding(string Code, HealthLevel Level, string? Detail = null);

public sealed record CaHealthReport(
    IReadOnlyList<ChainFacts> Chain, CrlFacts? Crl, StatusCounts Counts, IReadOnlyList<Finding> Findings, Authority.KeyCustodyReport Keys);

/// <summary>
/// Judges the CA's state at a given time, without I/O (docs/design.md, "Guided recovery": the admin
/// self-check; issue 5, "CA health"). Warnings come early enough to act: the OCSP signer with a
/// third of its life left, the issuing CA 180 days and the root a year before expiry, the CRL past
/// half of its validity (the publisher should have replaced it by then).
/// </summary>
public static class CaHealthEvaluator
{
    public static (IReadOnlyList<ChainFacts> Chain, CrlFacts? Crl, List<Finding> Findings) Evaluate(
        CertificateAuthority authority, CrlInfo? crl, DateTimeOffset now, CrlInfo? rootCrl = null, int revocationsInRecords = 0)
    {
        var chain = new List<ChainFacts>
        {
            Facts("Root", authority.Root, now, TimeSpan.FromDays(365)),
            Facts("Issuing", authority.Issuing, now, TimeSpan.FromDays(180)),
            Facts("OcspSigner", authority.OcspSigner, now, (authority.OcspSigner.NotAfter - authority.OcspSigner.NotBefore) / 3),
        };
        var findings = chain.Where(c => c.Level != HealthLevel.Ok)
            .Select(c => new Finding(c.Level == HealthLevel.Error ? "chain.expired" : "chain.expiring", c.Level, c.Subject))
            .ToList();
        if (!IsSelfSigned(authority.Root))
        {
            // The IIS 403.16 mistake: an intermediate placed where only a self-signed root belongs.
            findings.Add(new Finding("trust.not-self-signed", HealthLevel.Error, authority.Root.Subject));
        }
        var crlFacts = crl is null ? null : new CrlFacts(crl.Number.ToString(), crl.ThisUpdate, crl.NextUpdate, crl.EntryCount, CrlLevel(crl, now));
        if (crlFacts is null)
        {
            findings.Add(new Finding("crl.missing", HealthLevel.Error));
        }
        else if (crlFacts.Level != HealthLevel.Ok)
        {
            findings.Add(new Finding(crlFacts.Level == HealthLevel.Error ? "crl.expired" : "crl.stale", crlFacts.Level, crlFacts.NextUpdate.ToString("u")));
        }
        if (crl is not null && crl.EntryCount < revocationsInRecords)
        {
            // A revocation is in the records but not yet in the CRL: relying parties that check the CRL still accept it.
            findings.Add(new Finding("crl.behind", HealthLevel.Error, $"{revocationsInRecords - crl.EntryCount}"));
        }
        // The root's CRL (when we sign it) is renewed with a third of its life left; a front server checking CRLs refuses everyone once it expires.
        if (rootCrl is not null && now > rootCrl.ThisUpdate + (rootCrl.NextUpdate - rootCrl.ThisUpdate) * 2 / 3 + TimeSpan.FromDays(1))
        {
            findings.Add(new Finding(now > rootCrl.NextUpdate ? "rootcrl.expired" : "rootcrl.stale",
                now > rootCrl.NextUpdate ? HealthLevel.Error : HealthLevel.Warning, rootCrl.NextUpdate.ToString("u")));
        }
        return (chain, crlFacts, findings);
    }

    /// <summary>
    /// The root key online outside Development; a token that does not answer, has lost our login, or
    /// lacks a key in use: nothing can be signed.
    /// </summary>
    public static IEnumerable<Finding> CheckKeys(Authority.KeyCustodyReport keys)
    {
        if (keys.WarnRootKeyOnline)
        {
            // Whoever holds the data directory and what opens it could make a new issuing CA.
            yield return new Finding("root.online", HealthLevel.Warning, string.Empty);
        }
        if (keys.Token is not { } token)
        {
            yield break;
        }
        if (!token.Reachable || !token.LoggedIn)
        {
            yield return new Finding("token.unreachable", HealthLevel.Error, token.TokenLabel);
        }
        else if (token.KeysMissing.Count > 0)
        {
            yield return new Finding("token.key-missing", HealthLevel.Error, string.Join(", ", token.KeysMissing));
        }
    }

    private static ChainFacts Facts(string role, X509Certificate2 certificate, DateTimeOffset now, TimeSpan warnBefore)
    {
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var level = now.UtcDateTime > notAfter ? HealthLevel.Error
            : now.UtcDateTime > notAfter - warnBefore ? HealthLevel.Warning
            : HealthLevel.Ok;
        return new ChainFacts(role, certificate.Subject, certificate.SerialNumber, certificate.NotBefore.ToUniversalTime(), notAfter,
            certificate.GetCertHashString(HashAlgorithmName.SHA256), level);
    }

    private static HealthLevel CrlLevel(CrlInfo crl, DateTimeOffset now) =>
        now > crl.NextUpdate ? HealthLevel.Error
        : now > crl.ThisUpdate + (crl.NextUpdate - crl.ThisUpdate) / 2 + TimeSpan.FromMinutes(5) ? HealthLevel.Warning
        : HealthLevel.Ok;

    private static bool IsSelfSigned(X509Certificate2 root)
    {
        if (!root.SubjectName.RawData.AsSpan().SequenceEqual(root.IssuerName.RawData))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(root) && chain.ChainElements.Count == 1;
    }
}
