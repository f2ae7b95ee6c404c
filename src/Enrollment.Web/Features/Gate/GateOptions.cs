using Enrollment.Data.Certificates;

namespace Enrollment.Web.Features.Gate;

/// <summary>How client certificates reach the portal.</summary>
public enum ClientCertificateMode
{
    /// <summary>Kestrel terminates TLS and asks for a certificate at the first handshake.</summary>
    Direct,

    /// <summary>No client certificates: privileged functions are closed.</summary>
    Off,
}

/// <summary>The client-certificate gate, section "Enrollment:ClientCertificates".</summary>
public sealed class GateOptions
{
    public const string SectionName = "Enrollment:ClientCertificates";

    /// <summary>Direct or Off. Defaults to Direct.</summary>
    public ClientCertificateMode Mode { get; set; } = ClientCertificateMode.Direct;

    /// <summary>The user attribute the certificate must also carry: EmployeeId, Upn or Email. Defaults to EmployeeId.</summary>
    public MatchingKey MatchingKey { get; set; } = MatchingKey.EmployeeId;
}
