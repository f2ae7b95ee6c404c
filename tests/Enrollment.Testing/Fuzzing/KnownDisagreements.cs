using System.Text.RegularExpressions;

namespace Enrollment.Testing.Fuzzing;

/// <summary>
/// The kinds of disagreement between our readers and BouncyCastle's that the differential campaign
/// has met, each explained (docs/reliability.md, "Differential fuzzing"). "Ours refuses, BouncyCastle
/// accepts" is a stricter rule of ours; "ours accepts, BouncyCastle refuses" must end in a refusal
/// further on, or it is a bug. A kind not listed here fails the campaign until it is understood.
/// </summary>
public static class KnownDisagreements
{
    private static readonly (Regex Kind, string Explanation)[] Explained =
    [
        (Kind(@"^ours refuses \(.+\) / peer accepts \(ignores bytes after the end\)$"),
            "Ours stricter: an input is one DER object; BouncyCastle reads the first and ignores the rest."),
        (Kind(@"^ours refuses \(.+\) / peer accepts \(reads an encoding that is not DER\)$"),
            "Ours stricter: DER only (for example a long-form length where the short form fits); BouncyCastle reads BER."),
        (Kind(@"^ours refuses \(The request's signature does not match its public key.*\) / peer accepts \(reads signature algorithm parameters RFC 4055 and 5758 forbid\)$"),
            "Ours stricter: the BCL refuses a signature algorithm with parameters RFC 4055 and 5758 forbid (seen: NULL replaced by "
            + "another tag); OpenSSL and BouncyCastle ignore them. The refusal names the signature, which is what the BCL reports."),
        (Kind(@"^ours refuses \(The PEM text holds no CERTIFICATE REQUEST block\.\) / peer accepts \(reads text that is not RFC 7468 PEM\)$"),
            "Ours stricter: boundary lines with too few dashes or text glued to them, control characters in the base64, "
            + "or base64 whose last character carries bits that are not zero."),
        (Kind(@"^ours refuses \(The PEM text holds no CERTIFICATE REQUEST block\.\) / peer accepts \(reads text that is not UTF-8\)$"),
            "Ours stricter: an uploaded PEM request must be UTF-8 text; BouncyCastle replaces invalid bytes and reads on."),
        (Kind(@"^ours accepts / peer refuses \(a PEM block without its end line\)$"),
            "Theirs stricter: ours skips an unterminated PEM block and reads the complete one after it (RFC 7468 lax parsing); "
            + "BouncyCastle stops at the broken block. What ours reads is a whole request whose signature verifies."),
        (Kind(@"^ours refuses \(malformedRequest\) / peer accepts \(reads CertID hash parameters that are not NULL\)$"),
            "Ours stricter: a CertID's SHA-1 or SHA-256 parameters must be NULL or absent; BouncyCastle does not look."),
        (Kind(@"^ours accepts \(gate: (OtherCa|UntrustedChain)\) / peer refuses \(Certificate(Parsing)?Exception\)$"),
            "The BCL loads certificates BouncyCastle refuses (a time that is not a time, a key of an unknown algorithm); "
            + "the gate refuses every one of them (another CA, or untrusted), never accepts."),
        (Kind(@"^ours refuses \(malformed forwarded certificate\) / peer accepts \(reads text that is not RFC 7468 PEM\)$"),
            "Ours stricter: the header must be one RFC 7468 PEM block (nginx and Apache send exactly that)."),
        (Kind(@"^ours accepts / peer refuses \(PFX version is not #\)$"),
            "Theirs stricter: BouncyCastle refuses a PKCS#12 whose version is not 3; the BCL reads the file, whose MAC "
            + "and contents are intact (the version carries nothing), and the import checks the CA in it as always."),
        (Kind(@"^ours refuses \(malformed forwarded certificate\) / peer accepts$"),
            "Ours stricter: the BCL refuses certificates BouncyCastle reads (seen: a name attribute of type ENUMERATED)."),
    ];

    /// <summary>The explanation of a kind of disagreement, or null when it has not been understood yet.</summary>
    public static string? Explain(string kind) => Explained.FirstOrDefault(e => e.Kind.IsMatch(kind)).Explanation;

    private static Regex Kind(string pattern) => new(pattern, RegexOptions.CultureInvariant);
}
