namespace Enrollment.Ca.Issuance;

/// <summary>A certificate profile users can request: the privileged-access client certificate to start.</summary>
public sealed record ClientCertificateProfile
{
    public const string DefaultName = "privileged-access";

    /// <summary>Stable name stored with each request and certificate. Defaults to "privileged-access".</summary>
    public string Name { get; init; } = DefaultName;

    /// <summary>How long issued certificates are valid. Defaults to 365 days.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>How far notBefore is set back to tolerate client clock skew. Defaults to 5 minutes.</summary>
    public TimeSpan Backdate { get; init; } = TimeSpan.FromMinutes(5);
}
