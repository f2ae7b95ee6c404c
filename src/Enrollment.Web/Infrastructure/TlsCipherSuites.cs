using System.Net.Security;
using System.Runtime.Versioning;

namespace Enrollment.Web.Infrastructure;

/// <summary>
/// The TLS suites Kestrel offers: TLS 1.3's, and for TLS 1.2 only ECDHE with AEAD ciphers
/// (Mozilla's "intermediate" list), so no CBC suite is ever negotiated (testssl's LUCKY13 and
/// "average" cipher findings, docs/reliability.md). Windows (SChannel) takes its suites from the
/// system policy instead.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class TlsCipherSuites
{
    public static readonly CipherSuitesPolicy Policy = new(
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);
}
