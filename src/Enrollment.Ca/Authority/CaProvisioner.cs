using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Revocation;

namespace Enrollment.Ca.Authority;

/// <summary>
/// Brings a CA into being: loads the stored one, generates the embedded default on first start,
/// imports an existing issuing CA from PKCS#12, and renews the OCSP signer before it expires.
/// </summary>
public sealed class CaProvisioner(CaStore store, CaGenerator generator, TimeProvider time)
{
    /// <summary>The OCSP signer is replaced when less than this part of its life remains.</summary>
    private const double RenewWhenRemaining = 1.0 / 3;

    public CertificateAuthority LoadOrCreate(out bool created)
    {
        created = !store.Exists;
        if (created)
        {
            // Each key made by the store's protector: in memory, or in the token when the CA keys are in an HSM.
            var (authority, rootKey) = generator.CreateHierarchy(
                store.CreateKey("issuing", generator.IssuingCurve), store.CreateKey("ocsp-signer", ECCurve.NamedCurves.nistP256),
                store.CreateKey("root", ECCurve.NamedCurves.nistP384));
            using (rootKey)
            {
                store.Save(authority, rootKey);
            }
            RenewRootCrlIfDue(authority);
            return authority;
        }
        var loaded = store.Load();
        RenewOcspSignerIfDue(loaded);
        RenewRootCrlIfDue(loaded);
        return loaded;
    }

    /// <summary>
    /// Signs a new root CRL when one is due and we hold the root key; returns whether it did. An
    /// imported hierarchy's root CRL comes from the organisation's own PKI, an offline root's from
    /// <see cref="SignRootCrl"/> when the operator brings the key back.
    /// </summary>
    public bool RenewRootCrlIfDue(CertificateAuthority authority)
    {
        if (!RootCrl.IsDue(store.LoadRootCrl(), time.GetUtcNow()))
        {
            return false;
        }
        using var rootKey = store.OpenRootKey();
        if (rootKey is null || !IsKeyOf(rootKey, authority.Root))
        {
            return false;
        }
        SignRootCrl(authority, rootKey);
        return true;
    }

    /// <summary>The root's next CRL, numbered after the current one, signed with the given root key.</summary>
    public CrlInfo SignRootCrl(CertificateAuthority authority, ECDsa rootKey, TimeSpan? validity = null)
    {
        if (!IsKeyOf(rootKey, authority.Root))
        {
            throw new CryptographicException($"The key is not the key of the root {authority.Root.Subject}.");
        }
        var current = store.LoadRootCrl();
        var number = current is null ? BigInteger.One : CrlInfo.Read(current).Number + 1;
        var crl = RootCrl.Sign(authority.Root, rootKey, number, time.GetUtcNow(), validity);
        store.SaveRootCrl(crl);
        return CrlInfo.Read(crl);
    }

    /// <summary>
    /// A new hierarchy whose root key never rests in the data directory: the root signs the issuing
    /// CA and its first CRL, and the key is handed back for the operator to keep offline.
    /// </summary>
    public (CertificateAuthority Authority, ECDsa RootKey) CreateWithOfflineRoot(TimeSpan rootCrlValidity)
    {
        // The root key is made in memory even with an HSM: it is going to a file the operator keeps.
        var (authority, rootKey) = generator.CreateHierarchy(
            store.CreateKey("issuing", generator.IssuingCurve), store.CreateKey("ocsp-signer", ECCurve.NamedCurves.nistP256),
            ECDsa.Create(ECCurve.NamedCurves.nistP384));
        store.Save(authority, rootKey: null);
        SignRootCrl(authority, rootKey, rootCrlValidity);
        return (authority, rootKey);
    }

    private static bool IsKeyOf(ECDsa key, X509Certificate2 certificate)
    {
        using var certificateKey = certificate.GetECDsaPublicKey();
        return certificateKey is not null && key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(certificateKey.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// Replaces the issuing CA with one from a PKCS#12 file (the production path: the root lives
    /// elsewhere). The file must hold the issuing CA's ECDSA key and certificate and its self-signed root.
    /// </summary>
    public CertificateAuthority Import(byte[] pkcs12, string password)
    {
        var collection = X509CertificateLoader.LoadPkcs12Collection(pkcs12, password, X509KeyStorageFlags.Exportable);
        var issuing = collection.FirstOrDefault(c => c.HasPrivateKey && IsCa(c))
            ?? throw new CryptographicException("The PKCS#12 file holds no CA certificate with its private key.");
        var key = issuing.GetECDsaPrivateKey()
            ?? throw new CryptographicException("The issuing CA key must be ECDSA P-256 or P-384.");
        var root = collection.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) && IsCa(c)
                                                   && c.SubjectName.RawData.AsSpan().SequenceEqual(issuing.IssuerName.RawData))
            ?? throw new CryptographicException("The PKCS#12 file must also hold the root CA certificate that signed the issuing CA.");
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!chain.Build(issuing))
            {
                throw new CryptographicException("The issuing CA certificate does not chain to the root in the file.");
            }
        }
        var issuingCertificate = X509CertificateLoader.LoadCertificate(issuing.RawData);
        var (signer, signerKey) = generator.CreateOcspSigner(issuingCertificate, key);
        var authority = new CertificateAuthority(X509CertificateLoader.LoadCertificate(root.RawData), issuingCertificate, key, signer, signerKey);
        store.Save(authority, rootKey: null);
        return authority;
    }

    /// <summary>
    /// Renews the OCSP signer once a third of its life remains, at start and while running (the
    /// publication refresh asks every minute); returns whether it did.
    /// </summary>
    public bool RenewOcspSignerIfDue(CertificateAuthority authority)
    {
        var signer = authority.OcspSigner;
        var life = signer.NotAfter - signer.NotBefore;
        if (time.GetUtcNow().UtcDateTime < signer.NotAfter.ToUniversalTime() - life * RenewWhenRemaining)
        {
            return false;
        }
        var (certificate, key) = generator.CreateOcspSigner(authority.Issuing, authority.IssuingKey, store.CreateKey("ocsp-signer", ECCurve.NamedCurves.nistP256));
        store.SaveOcspSigner(certificate, key);
        authority.ReplaceOcspSigner(certificate, key);
        return true;
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
}
