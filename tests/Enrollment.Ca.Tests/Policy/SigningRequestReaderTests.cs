using Enrollment.Ca.Policy;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Policy;

public sealed class SigningRequestReaderTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    [Theory]
    [InlineData("P-256", "ECDSA P-256")]
    [InlineData("P-384", "ECDSA P-384")]
    [InlineData("RSA-2048", "RSA 2048")]
    [InlineData("RSA-4096", "RSA 4096")]
    public void Read_AllowedKeyFromOpenSsl_IsAccepted(string algorithm, string described)
    {
        var (csr, _) = Csrs.Make(directory, "ok", algorithm);

        var verdict = SigningRequestReader.Read(File.ReadAllBytes(csr));

        Assert.Null(verdict.Refusal);
        Assert.Equal(described, verdict.Accepted!.Key.ToString());
    }

    [Fact]
    public void Read_DerEncoding_IsAccepted()
    {
        var (csr, _) = Csrs.Make(directory, "der", "P-256");
        OpenSsl.Ok(directory.Path, "req", "-in", csr, "-outform", "DER", "-out", directory.File("der.der"));

        Assert.NotNull(SigningRequestReader.Read(File.ReadAllBytes(directory.File("der.der"))).Accepted);
    }

    [Fact]
    public void Read_RequestWithoutTheAttributesField_IsRefusedAsMalformedNotAsABadSignature()
    {
        // Signed correctly, but attributes [0] (required by RFC 2986) is left out, as some libraries do.
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var info = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (info.PushSequence())
        {
            info.WriteInteger(0);
            info.WriteEncodedValue(new System.Security.Cryptography.X509Certificates.X500DistinguishedName("CN=no attributes").RawData);
            info.WriteEncodedValue(key.ExportSubjectPublicKeyInfo());
        }
        var tbs = info.Encode();
        var request = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (request.PushSequence())
        {
            request.WriteEncodedValue(tbs);
            using (request.PushSequence())
            {
                request.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            }
            request.WriteBitString(key.SignData(tbs, System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence));
        }

        Assert.Equal("csr.malformed", SigningRequestReader.Read(request.Encode()).Refusal?.Code);
    }

    [Theory]
    [InlineData("RSA-1024", "RSA 1024")]
    [InlineData("Ed25519", "Ed25519")]
    [InlineData("P-521", "ECDSA P-521")]
    public void Read_DisallowedKey_IsRefusedNamingWhatWasFound(string algorithm, string named)
    {
        var (csr, _) = Csrs.Make(directory, "bad", algorithm);

        var refusal = SigningRequestReader.Read(File.ReadAllBytes(csr)).Refusal;

        Assert.NotNull(refusal);
        Assert.Equal("key.not-allowed", refusal.Code);
        Assert.Contains(named, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("RSA 2048-4096 or ECDSA P-256/P-384", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SignatureMadeWithAnotherKey_IsRefusedAsNoProofOfPossession()
    {
        // Take one request's signed info and key, and another's signature: the signature no longer matches.
        var (first, _) = Csrs.Make(directory, "first", "P-256");
        var (second, _) = Csrs.Make(directory, "second", "P-256");
        var a = Der(first);
        var b = Der(second);
        var spliced = Splice(a, b);

        var refusal = SigningRequestReader.Read(spliced).Refusal;

        Assert.Equal("csr.signature", refusal?.Code);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")]
    public void Read_Garbage_IsRefusedWithAMessage(string text)
    {
        var refusal = SigningRequestReader.Read(System.Text.Encoding.ASCII.GetBytes(text)).Refusal;

        Assert.NotNull(refusal);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Message));
    }

    [Fact]
    public void Read_EmptyOrOversized_IsRefused()
    {
        Assert.Equal("csr.empty", SigningRequestReader.Read([]).Refusal?.Code);
        Assert.Equal("csr.too-large", SigningRequestReader.Read(new byte[SigningRequestReader.MaxBytes + 1]).Refusal?.Code);
    }

    [Fact]
    public void Read_TruncatedOrBitFlipped_NeverThrows()
    {
        var der = Der(Csrs.Make(directory, "fuzz", "P-256").Csr);
        var random = new Random(20261122);
        for (var i = 0; i < 2_000; i++)
        {
            var mutant = der[..random.Next(1, der.Length + 1)];
            if (i % 2 == 0)
            {
                mutant = (byte[])der.Clone();
                mutant[random.Next(mutant.Length)] ^= (byte)(1 << random.Next(8));
            }
            var verdict = SigningRequestReader.Read(mutant);
            Assert.True(verdict.Accepted is not null ^ verdict.Refusal is not null);
        }
    }

    private byte[] Der(string csrPath)
    {
        var output = csrPath + ".der";
        OpenSsl.Ok(directory.Path, "req", "-in", csrPath, "-outform", "DER", "-out", output);
        return File.ReadAllBytes(output);
    }

    /// <summary>CertificationRequest ::= SEQUENCE { info, algorithm, signature }: info from a, signature from b.</summary>
    private static byte[] Splice(byte[] a, byte[] b)
    {
        var readerA = new System.Formats.Asn1.AsnReader(a, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var info = readerA.ReadEncodedValue();
        var readerB = new System.Formats.Asn1.AsnReader(b, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        readerB.ReadEncodedValue();
        var algorithm = readerB.ReadEncodedValue();
        var signature = readerB.ReadEncodedValue();
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(info.Span);
            writer.WriteEncodedValue(algorithm.Span);
            writer.WriteEncodedValue(signature.Span);
        }
        return writer.Encode();
    }

    public void Dispose() => directory.Dispose();
}
