using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Features.Admin.Audit;

namespace Enrollment.Web.Features.Admin.Certificates;

/// <summary>One decoded field of a certificate; <see cref="Label"/> is a resource key.</summary>
public sealed record CertificateField(string Label, string Value);

/// <summary>One extension as OpenSSL would print it, with its name and criticality.</summary>
public sealed record CertificateExtension(string Name, string Oid, bool Critical, string Value);

/// <summary>The request a certificate was picked up for, with who asked and what it renewed.</summary>
public sealed record RequestHistory(MyRequestRow Request, string RequesterEmail, string? RenewalOf);

/// <summary>Everything the admin detail view shows about one certificate.</summary>
public sealed record CertificateDetails(
    CertificateRow Row, string Pem, IReadOnlyList<CertificateField> Fields, IReadOnlyList<CertificateExtension> Extensions,
    RequestHistory? Request, IReadOnlyList<AuditRow> Events)
{
    /// <summary>Decodes the stored DER with the platform's X.509 reader, independent of how we built it.</summary>
    public static (string Pem, IReadOnlyList<CertificateField> Fields, IReadOnlyList<CertificateExtension> Extensions) Decode(byte[] der)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var fields = new List<CertificateField>
        {
            new("Subject", certificate.Subject),
            new("Issuer", certificate.Issuer),
            new("SerialNumber", Colons(certificate.SerialNumber)),
            new("CertVersion", certificate.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("ValidFrom", certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'")),
            new("ValidUntil", certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'")),
            new("PublicKey", DescribeKey(certificate)),
            new("SignatureAlgorithm", certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? "?"),
            new("FingerprintSha256", Colons(certificate.GetCertHashString(HashAlgorithmName.SHA256))),
            new("FingerprintSha1", Colons(certificate.GetCertHashString(HashAlgorithmName.SHA1))),
        };
        var extensions = certificate.Extensions
            .Select(e => new CertificateExtension(e.Oid?.FriendlyName ?? e.Oid?.Value ?? "?", e.Oid?.Value ?? "?", e.Critical, e.Format(multiLine: true).Trim()))
            .ToList();
        return (certificate.ExportCertificatePem(), fields, extensions);
    }

    private static string DescribeKey(X509Certificate2 certificate)
    {
        if (certificate.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
            {
                var curve = ec.ExportParameters(false).Curve.Oid;
                var name = curve.Value switch
                {
                    "1.2.840.10045.3.1.7" => "P-256",
                    "1.3.132.0.34" => "P-384",
                    "1.3.132.0.35" => "P-521",
                    _ => curve.FriendlyName ?? curve.Value,
                };
                return $"ECDSA {name} ({ec.KeySize} bit)";
            }
        }
        if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
            {
                return $"RSA {rsa.KeySize} bit";
            }
        }
        return certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "?";
    }

    private static string Colons(string hex) => string.Join(':', hex.Chunk(2).Select(pair => new string(pair)));
}
