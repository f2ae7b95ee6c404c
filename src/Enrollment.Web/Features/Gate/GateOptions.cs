
namespace Enrollment.Web.Features.Gate;

/// <summary>How client certificates reach the portal.</summary>
public enum ClientCertificateMode
{
    /// <summary>Kestrel terminates TLS and asks for a certificate at the first handshake.</summary>
    Direct,

    /// <summary>A reverse proxy (nginx) terminates TLS and forwards the certificate in headers.</summary>
    Proxy,

    /// <summary>No client certificates: privileged functions are closed.</summary>
    Off,
}

/// <summary>The client-certificate gate, section "Enrollment:ClientCertificates".</summary>
public sealed class GateOptions
{
    public const string SectionName = "Enrollment:ClientCertificates";

    /// <summary>Direct, Proxy or Off. Defaults to Direct.</summary>
    public ClientCertificateMode Mode { get; set; } = ClientCertificateMode.Direct;

    /// <summary>
    /// Addresses of the reverse proxies whose certificate headers are believed (Proxy mode). Headers
    /// from any other address are removed. Defaults to none.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>
    /// Whether requests on the portal's Unix socket listeners (an http://unix:/path address in Urls)
    /// come from the reverse proxy (Proxy mode). For Apache httpd, which cannot choose the address it
    /// connects from: the socket's directory permissions decide who may send believed headers. Defaults to false.
    /// </summary>
    public bool UnixSocketProxy { get; set; }

    /// <summary>The peer addresses whose certificate and forwarding headers are believed.</summary>
    public IEnumerable<System.Net.IPAddress> ProxyAddresses =>
        KnownProxies.Select(System.Net.IPAddress.Parse).Concat(UnixSocketProxy ? [UnixSocketPeer.Address] : []);

    /// <summary>Header with the URL-encoded PEM certificate ($ssl_client_escaped_cert). Defaults to X-CLIENTCERT.</summary>
    public string CertificateHeader { get; set; } = "X-CLIENTCERT";

    /// <summary>Header with the proxy's own verdict ($ssl_client_verify), logged only. Defaults to X-CLIENTCERT-VERIFY.</summary>
    public string VerifyHeader { get; set; } = "X-CLIENTCERT-VERIFY";

    /// <summary>Header with the subject ($ssl_client_s_dn). Defaults to X-CLIENTCERT-SUBJECT.</summary>
    public string SubjectHeader { get; set; } = "X-CLIENTCERT-SUBJECT";

    /// <summary>Header with the serial ($ssl_client_serial). Defaults to X-CLIENTCERT-SERIAL.</summary>
    public string SerialHeader { get; set; } = "X-CLIENTCERT-SERIAL";

    public IEnumerable<string> Headers => [CertificateHeader, VerifyHeader, SubjectHeader, SerialHeader];

    /// <summary>The user attribute the certificate must also carry: EmployeeId, Upn or Email. Defaults to EmployeeId.</summary>
    public MatchingKey MatchingKey { get; set; } = MatchingKey.EmployeeId;
}
