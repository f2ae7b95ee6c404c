using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Enrollment.Web.Features.Authority.KeyRing;

/// <summary>Data Protection's hook for sealing a master key before it is written (KeyManagementOptions.XmlEncryptor).</summary>
public sealed class SealedXmlEncryptor(KeyRingProtection protection) : IXmlEncryptor
{
    internal static readonly XName Element = "sealedSecret";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var sealer = protection.Sealer ?? throw new InvalidOperationException("The key ring is to be sealed but no sealer is configured.");
        var sealedData = sealer.Seal(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)));
        return new EncryptedXmlInfo(
            new XElement(Element, new XAttribute("scheme", sealer.Scheme), Convert.ToBase64String(sealedData)),
            typeof(SealedXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="SealedXmlEncryptor"/> sealed. Data Protection creates it by type name, with the app's services.</summary>
public sealed class SealedXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => Open(encryptedElement, services.GetService<KeyRingProtection>()?.Sealer);

    /// <summary>The master key element sealed in <paramref name="encryptedElement"/>; a clear message when it cannot be opened.</summary>
    public static XElement Open(XElement encryptedElement, KeyRingSealer? sealer)
    {
        var scheme = (string?)encryptedElement.Attribute("scheme");
        _ = sealer
            ?? throw new CryptographicException(
                $"The Data Protection key ring is sealed ({scheme}) but nothing to open it is configured: set Enrollment:Ca:KeyPassphrase or Enrollment:Ca:Hsm as when it was sealed.");
        if (scheme != sealer.Scheme)
        {
            throw new CryptographicException(
                $"The Data Protection key ring is sealed with '{scheme}' but the configuration gives '{sealer.Scheme}'; set Enrollment:Ca:KeyPassphrase or Enrollment:Ca:Hsm as when it was sealed.");
        }
        return XElement.Parse(Encoding.UTF8.GetString(sealer.Open(Convert.FromBase64String(encryptedElement.Value))));
    }
}
