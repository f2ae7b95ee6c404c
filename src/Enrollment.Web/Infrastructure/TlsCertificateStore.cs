using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Microsoft.Extensions.Options;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Infrastructure;

/// <summary>
/// The development TLS certificate for localhost, made on first start and renewed a month before
/// it expires. Production deployments configure Kestrel:Certificates:Default or terminate TLS at nginx.
/// </summary>
public sealed class TlsCertificateStore(IOptions<EnrollmentOptions> options, ICaKeyProtector protector, TimeProvider time)
{
    private readonly Lazy<X509Certificate2> certificate = new(() => LoadOrCreate(options.Value, protector, time));

    public X509Certificate2 Certificate => certificate.Value;

    private static X509Certificate2 LoadOrCreate(EnrollmentOptions options, ICaKeyProtector protector, TimeProvider time)
    {
        var directory = options.PathOf("tls");
        var certificatePath = Path.Combine(directory, "localhost.crt");
        var keyPath = Path.Combine(directory, "localhost.key");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            using var stored = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            if (stored.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(30))
            {
                return stored.CopyWithPrivateKey(protector.Open(File.ReadAllBytes(keyPath)));
            }
        }
        Directory.CreateDirectory(directory);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var created = Create(newKey, time.GetUtcNow());
        File.WriteAllBytes(keyPath, protector.Seal(newKey));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(certificatePath, created.ExportCertificatePem() + "\n");
        return created;
    }

    private static X509Certificate2 Create(ECDsa key, DateTimeOffset now)
    {
        var request = new CertificateRequest("CN=localhost, O=Enrollment development", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(365));
    }
}
