namespace Enrollment.Ca.Authority;

/// <summary>Names and lifetimes of a generated CA hierarchy.</summary>
public sealed record CaGenerationOptions
{
    /// <summary>O= of every CA certificate. Defaults to "Enrollment".</summary>
    public string Organization { get; init; } = "Enrollment";

    /// <summary>CN= of the root. Defaults to "Enrollment Root CA".</summary>
    public string RootName { get; init; } = "Enrollment Root CA";

    /// <summary>CN= of the issuing CA. Defaults to "Enrollment Issuing CA 1".</summary>
    public string IssuingName { get; init; } = "Enrollment Issuing CA 1";

    /// <summary>Curve of the issuing CA key: 256 (P-256) or 384 (P-384). Defaults to 256.</summary>
    public int IssuingKeyBits { get; init; } = 256;

    /// <summary>Root lifetime. Defaults to 20 years.</summary>
    public TimeSpan RootLifetime { get; init; } = TimeSpan.FromDays(20 * 365);

    /// <summary>Issuing CA lifetime. Defaults to 10 years.</summary>
    public TimeSpan IssuingLifetime { get; init; } = TimeSpan.FromDays(10 * 365);

    /// <summary>Delegated OCSP signer lifetime; renewed automatically before expiry. Defaults to 90 days.</summary>
    public TimeSpan OcspSignerLifetime { get; init; } = TimeSpan.FromDays(90);
}
