namespace Enrollment.Ca;

/// <summary>Object identifiers the CA writes and checks, named after the RFC that defines them.</summary>
public static class Oids
{
    public const string Rsa = "1.2.840.113549.1.1.1";
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string Ed25519 = "1.3.101.112";
    public const string Ed448 = "1.3.101.113";
    public const string Dsa = "1.2.840.10040.4.1";
    public const string RsaPss = "1.2.840.113549.1.1.10";

    public const string CurveP256 = "1.2.840.10045.3.1.7";
    public const string CurveP384 = "1.3.132.0.34";
    public const string CurveP521 = "1.3.132.0.35";

    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string Sha1 = "1.3.14.3.2.26";
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";

    public const string CommonName = "2.5.4.3";
    public const string SubjectSerialNumber = "2.5.4.5";
    public const string OrganizationName = "2.5.4.10";

    public const string SubjectKeyIdentifier = "2.5.29.14";
    public const string KeyUsage = "2.5.29.15";
    public const string SubjectAltName = "2.5.29.17";
    public const string BasicConstraints = "2.5.29.19";
    public const string CrlNumber = "2.5.29.20";
    public const string CrlReason = "2.5.29.21";
    public const string CrlDistributionPoints = "2.5.29.31";
    public const string AuthorityKeyIdentifier = "2.5.29.35";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string NameConstraints = "2.5.29.30";
    public const string AuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";

    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";
    public const string UserPrincipalName = "1.3.6.1.4.1.311.20.2.3";

    public const string AccessOcsp = "1.3.6.1.5.5.7.48.1";
    public const string AccessCaIssuers = "1.3.6.1.5.5.7.48.2";
    public const string OcspBasic = "1.3.6.1.5.5.7.48.1.1";
    public const string OcspNonce = "1.3.6.1.5.5.7.48.1.2";
    public const string OcspNoCheck = "1.3.6.1.5.5.7.48.1.5";
}
