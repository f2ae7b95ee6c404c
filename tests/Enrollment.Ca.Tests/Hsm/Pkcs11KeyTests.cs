using System.Security.Cryptography;
using Enrollment.Ca.Hsm;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;
using Net.Pkcs11Interop.Common;

namespace Enrollment.Ca.Tests.Hsm;

/// <summary>
/// The issuing CA's and the OCSP signer's keys generated in a real PKCS#11 token (SoftHSM2): what
/// they sign passes OpenSSL and BouncyCastle, and the private halves never leave the token.
/// </summary>
public sealed class Pkcs11KeyTests : IDisposable
{
    private readonly TokenSettings settings = SoftHsm.NewToken();
    private readonly Pkcs11Token token;
    private readonly TestAuthority ca;

    public Pkcs11KeyTests()
    {
        token = Pkcs11Token.Open(settings);
        ca = new TestAuthority(issuingKeyBits: 384, token: token);
    }

    [Fact]
    public void ClientCertificate_SignedInTheToken_PassesOpenSslStrictVerificationAndBouncyCastle()
    {
        Assert.IsType<Pkcs11ECDsa>(ca.Authority.IssuingKey);
        using var certificate = IssuedCertificates.Sign(ca);
        var leaf = ca.Files.Write("hsm-leaf.pem", certificate.ExportCertificatePem());

        var verified = OpenSsl.Ok(ca.Files.Path, "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", ca.RootPem, "-untrusted", ca.IssuingPem, leaf);

        Assert.Contains("OK", verified, StringComparison.Ordinal);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], BouncyCastleJudge.Certificate(certificate.RawData, ca.Authority.Issuing.RawData).ExtendedKeyUsage);
    }

    [Fact]
    public void Crl_SignedInTheToken_VerifiesWithOpenSslAndBouncyCastle()
    {
        var now = DateTimeOffset.UtcNow;
        var serial = SerialNumber.Create();
        var der = CrlEncoder.Encode(ca.Authority, 7, now, now.AddDays(7), [new RevokedEntry(serial, now.AddMinutes(-1), RevocationReason.KeyCompromise)]);
        var path = ca.Files.Write("hsm.crl", der);

        var text = OpenSsl.Ok(ca.Files.Path, "crl", "-inform", "DER", "-in", path, "-CAfile", ca.IssuingPem, "-noout", "-text");

        Assert.Contains("verify OK", OpenSsl.Run(ca.Files.Path, "crl", "-inform", "DER", "-in", path, "-CAfile", ca.IssuingPem, "-noout").All, StringComparison.Ordinal);
        Assert.Contains(SerialNumber.ToCanonical(serial), text, StringComparison.Ordinal);
        Assert.Equal(1, BouncyCastleJudge.Crl(der, ca.Authority.Issuing.RawData).Entries[new Org.BouncyCastle.Math.BigInteger(1, serial)]);
    }

    [Fact]
    public void OcspAnswer_SignedInTheToken_VerifiesWithOpenSsl()
    {
        Assert.IsType<Pkcs11ECDsa>(ca.Authority.OcspSignerKey);
        var now = DateTimeOffset.UtcNow;
        var request = ca.Files.File("hsm-request.der");
        OpenSsl.Ok(ca.Files.Path, "ocsp", "-no_nonce", "-issuer", ca.IssuingPem, "-serial", "0x0A0B0C0D", "-reqout", request);
        var certId = OcspRequestReader.Read(File.ReadAllBytes(request))!.CertIds[0];
        var response = ca.Files.Write("hsm-response.der",
            OcspResponseEncoder.Successful(ca.Authority, [new SingleAnswer(certId, CertificateStatus.Good, now, now.AddHours(1))], now, null));

        var text = OpenSsl.Ok(ca.Files.Path, "ocsp", "-respin", response, "-issuer", ca.IssuingPem, "-CAfile", ca.ChainPem, "-serial", "0x0A0B0C0D");

        Assert.Contains("Response verify OK", text, StringComparison.Ordinal);
        Assert.Contains("0x0A0B0C0D: good", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PrivateKeys_CannotBeReadFromTheToken()
    {
        var issuingKey = (Pkcs11ECDsa)ca.Authority.IssuingKey;

        // The token answers CKR_ATTRIBUTE_SENSITIVE with no value, which Pkcs11Interop reports so.
        Assert.Throws<AttributeValueException>(issuingKey.ReadPrivateValueFromToken);
        Assert.Throws<CryptographicException>(() => issuingKey.ExportParameters(includePrivateParameters: true));
        Assert.Throws<CryptographicException>(() => issuingKey.ExportPkcs8PrivateKey());
    }

    /// <summary>The AES key that seals the Data Protection key ring: AES-GCM in the token, found again by label, never read out.</summary>
    [Fact]
    public void AesKey_SealsAndOpensInTheToken_RefusesATamperedSeal_AndCannotBeRead()
    {
        var key = token.FindOrGenerateAesKey("ring");
        var plaintext = "<masterKey>a ring key</masterKey>"u8.ToArray();

        var sealedData = key.Seal(plaintext);
        using var reopened = Pkcs11Token.Open(settings);
        var opened = reopened.FindOrGenerateAesKey("ring").Open(sealedData);
        sealedData[^1] ^= 1;

        Assert.Equal(plaintext, opened);
        Assert.NotEqual(key.Seal(plaintext)[..12], key.Seal(plaintext)[..12]);
        Assert.Throws<HsmException>(() => key.Open(sealedData));
        Assert.Throws<AttributeValueException>(key.ReadValueFromToken);
    }

    [Fact]
    public void Key_IsFoundAgainByLabel_InANewSession()
    {
        using var reopened = Pkcs11Token.Open(settings);

        var found = reopened.FindKey("issuing");

        Assert.NotNull(found);
        Assert.Equal(ca.Authority.Issuing.PublicKey.EncodedKeyValue.RawData, new System.Security.Cryptography.X509Certificates.PublicKey(found).EncodedKeyValue.RawData);
        Assert.Null(reopened.FindKey("no-such-key"));
    }

    [Fact]
    public void Probe_OfAnOpenToken_FindsItsKeys_AndOfAClosedSessionSaysUnreachable()
    {
        var reopened = Pkcs11Token.Open(settings);

        var open = reopened.Probe(["issuing", "no-such-key"]);
        reopened.Dispose();
        var closed = reopened.Probe(["issuing"]);

        Assert.True(open.Reachable && open.LoggedIn);
        Assert.Equal(["issuing"], open.KeysFound);
        Assert.Equal(["no-such-key"], open.KeysMissing);
        Assert.False(closed.Reachable);
        Assert.Equal(["issuing"], closed.KeysMissing);
    }

    [Fact]
    public void WrongPin_IsAClearErrorNamingThePin()
    {
        // A token this process has not logged in to: the login is the process's, not the session's.
        var fresh = SoftHsm.NewToken();

        var refused = Assert.Throws<HsmException>(() => Pkcs11Token.Open(fresh with { Pin = "not the pin" }));

        Assert.Contains("refused the PIN", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not the pin", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingLibraryOrToken_IsAClearErrorNamingTheSetting()
    {
        var noLibrary = Assert.Throws<HsmException>(() => Pkcs11Token.Open(settings with { Library = "/nonexistent/libpkcs11.so" }));
        var noToken = Assert.Throws<HsmException>(() => Pkcs11Token.Open(settings with { TokenLabel = "no-such-token" }));

        Assert.Contains("Enrollment:Ca:Hsm:Library", noLibrary.Message, StringComparison.Ordinal);
        Assert.Contains("Enrollment:Ca:Hsm:TokenLabel", noToken.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        ca.Dispose();
        token.Dispose();
    }
}
