using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Serials;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Issuance;

/// <summary>Templates and signed certificates for the tests of this folder.</summary>
internal static class IssuedCertificates
{
    public static readonly CertificateSubject Alice = new("Alice Example", "Example Corp", "E1001", "alice@example.com", "alice@corp.example");

    public static IssuanceTemplate Template(TestAuthority ca, PublicKey key, TimeSpan? validity = null)
    {
        var now = ca.Time.GetUtcNow();
        var notBefore = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        return new IssuanceTemplate(SerialNumber.Create(), Alice, key, notBefore, notBefore + (validity ?? TimeSpan.FromDays(365)), "privileged-access");
    }

    public static X509Certificate2 Sign(TestAuthority ca, PublicKey? key = null) =>
        new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls).Sign(Template(ca, key ?? NewKey()));

    public static PublicKey NewKey()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new PublicKey(ec);
    }
}
