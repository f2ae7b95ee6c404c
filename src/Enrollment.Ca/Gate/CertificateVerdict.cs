namespace Enrollment.Ca.Gate;

/// <summary>Why a presented client certificate is not accepted; each has its own recovery page.</summary>
public enum GateFailure
{
    None,
    NoCertificate,
    Expired,
    NotYetValid,
    Revoked,
    OtherCa,
    UntrustedChain,
    WrongPurpose,
    AnotherUser,
    UnknownToUs,

    /// <summary>The proxy in front refused a certificate the portal finds nothing wrong with (its detail is the proxy's verdict).</summary>
    RefusedByProxy,

    /// <summary>The browser could not sign the handshake with the certificate's key (ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED), as reported by the visitor.</summary>
    SignatureFailure,
}

/// <summary>The gate's judgement of one certificate, with the facts a recovery page shows.</summary>
public sealed record CertificateVerdict(GateFailure Failure, string? Detail = null, DateTimeOffset? At = null)
{
    public static readonly CertificateVerdict Accepted = new(GateFailure.None);

    public bool IsAccepted => Failure == GateFailure.None;
}
