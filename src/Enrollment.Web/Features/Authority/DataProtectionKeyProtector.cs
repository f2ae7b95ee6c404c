using System.Security.Cryptography;
using Enrollment.Ca.Authority;
using Microsoft.AspNetCore.DataProtection;

namespace Enrollment.Web.Features.Authority;

/// <summary>
/// The embedded default for CA and TLS keys: PKCS#8 sealed by ASP.NET Data Protection, whose key
/// ring lives in the data directory. The clear PKCS#8 exists only in memory and is wiped after use.
/// </summary>
public sealed class DataProtectionKeyProtector(IDataProtectionProvider provider) : ICaKeyProtector
{
    private readonly IDataProtector protector = provider.CreateProtector("Enrollment.Ca.Keys.v1");

    public string Scheme => "aspnet-data-protection";

    public byte[] Seal(ECDsa key)
    {
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            return protector.Protect(pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    public ECDsa Open(byte[] sealedKey)
    {
        var pkcs8 = protector.Unprotect(sealedKey);
        try
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8, out _);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
