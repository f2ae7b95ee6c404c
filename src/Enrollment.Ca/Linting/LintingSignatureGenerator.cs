using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Linting;

/// <summary>
/// Wraps a signature generator and lints the to-be-signed bytes first. The BCL hands the DER
/// TBSCertificate (or TBSCertList) to <see cref="SignData"/>, so a defect stops issuance before
/// any signature exists (docs/pitfalls.md, "Pre-issuance lint").
/// </summary>
public sealed class LintingSignatureGenerator(X509SignatureGenerator inner, string what, Func<byte[], IReadOnlyList<string>> lint)
    : X509SignatureGenerator
{
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
        inner.GetSignatureAlgorithmIdentifier(hashAlgorithm);

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
    {
        var findings = lint(data);
        if (findings.Count > 0)
        {
            throw new LintFailedException(what, findings);
        }
        return inner.SignData(data, hashAlgorithm);
    }

    protected override PublicKey BuildPublicKey() => inner.PublicKey;
}
