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
    /// imported hierarchy's root CRL comes from the organisation's own PKI instead.
    /// </summary>
    public bool RenewRootCrlIfDue(CertificateAuthority authority)
    {
        var current = store.LoadRootCrl();
        if (!RootCrl.IsDue(current, time.GetUtcNow()))
        {
            return false;
        }
        using var rootKey = store.OpenRootKey();
        using var rootPublic = authority.Root.GetECDsaPublicKey();
        if (rootKey is null || rootPublic is null
            || !rootKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(rootPublic.ExportSubjectPublicKeyInfo()))
        {
            return false;
        }
        var number = current is null ? BigInteger.One : CrlInfo.Read(current).Number + 1;
        store.SaveRootCrl(RootCrl.Sign(authority.Root, rootKey, number, time.GetUtcNow()));
        return true;
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
