using System.Formats.Asn1;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Serials;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Ocsp;

public sealed class OcspRequestReaderTests : IDisposable
{
    private readonly TestAuthority ca = new();

    [Theory]
    [InlineData("-sha1", Oids.Sha1, 20)]
    [InlineData("-sha256", Oids.Sha256, 32)]
    public void Read_OpenSslRequest_GivesTheCertIdAndNonce(string digest, string oid, int hashLength)
    {
        var serial = SerialNumber.ToCanonical(SerialNumber.Create());
        var path = ca.Files.File("req.der");
        OpenSsl.Ok(ca.Files.Path, "ocsp", digest, "-issuer", ca.IssuingPem, "-serial", "0x" + serial, "-reqout", path);

        var request = OcspRequestReader.Read(File.ReadAllBytes(path));

        Assert.NotNull(request);
        var id = Assert.Single(request.CertIds);
        Assert.Equal(oid, id.HashAlgorithm);
        Assert.Equal(hashLength, id.IssuerNameHash.Length);
        Assert.Equal(serial, SerialNumber.ToCanonical(id.Serial));
        Assert.NotNull(request.Nonce);
    }

    [Fact]
    public void Read_WithoutNonce_HasNoNonce()
    {
        var path = ca.Files.File("req.der");
        OpenSsl.Ok(ca.Files.Path, "ocsp", "-no_nonce", "-issuer", ca.IssuingPem, "-serial", "0x01", "-reqout", path);

        Assert.Null(OcspRequestReader.Read(File.ReadAllBytes(path))!.Nonce);
    }

    [Fact]
    public void Read_Garbage_IsNull()
    {
        Assert.Null(OcspRequestReader.Read(System.Text.Encoding.ASCII.GetBytes("GET / HTTP/1.1")));
        Assert.Null(OcspRequestReader.Read(Array.Empty<byte>()));
        Assert.Null(OcspRequestReader.Read(new byte[OcspRequestReader.MaxBytes + 1]));
        Assert.Null(OcspRequestReader.Read(new byte[] { 0x30, 0x00 }));
    }

    // Both found by the differential fuzzing (docs/reliability.md): BouncyCastle refused these, we answered them.
    [Fact]
    public void Read_NonceExtensionWithAnElementAfterItsValue_IsNull()
    {
        Assert.NotNull(OcspRequestReader.Read(RequestWithExtensions([Nonce()])));
        Assert.Null(OcspRequestReader.Read(RequestWithExtensions([Nonce(trailing: true)])));
    }

    [Fact]
    public void Read_MalformedExtensionAfterTheNonce_IsNull()
    {
        Assert.Null(OcspRequestReader.Read(RequestWithExtensions([Nonce(), writer =>
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.2.3.4");
            }
        }])));
    }

    [Fact]
    public void Read_RequestExtensionsWrapperWithDataAfterTheExtensions_IsNull()
    {
        Assert.Null(OcspRequestReader.Read(RequestWithExtensions([Nonce()], afterExtensions: writer => writer.WriteInteger(5))));
    }

    [Fact]
    public void Read_EmptyRequestExtensions_IsNull()
    {
        // Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension.
        Assert.Null(OcspRequestReader.Read(RequestWithExtensions([])));
    }

    private static Action<AsnWriter> Nonce(bool trailing = false) => writer =>
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.3.6.1.5.5.7.48.1.2");
            writer.WriteOctetString([0x04, 0x10, .. new byte[16]]);
            if (trailing)
            {
                writer.WriteInteger(5);
            }
        }
    };

    /// <summary>A one-CertID request (SHA-1) with the given entries in its requestExtensions, and anything after them inside [2].</summary>
    private static byte[] RequestWithExtensions(Action<AsnWriter>[] extensions, Action<AsnWriter>? afterExtensions = null)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            using (writer.PushSequence())
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("1.3.14.3.2.26");
                    writer.WriteNull();
                }
                writer.WriteOctetString(new byte[20]);
                writer.WriteOctetString(new byte[20]);
                writer.WriteInteger(0x1234);
            }
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
            {
                using (writer.PushSequence())
                {
                    foreach (var extension in extensions)
                    {
                        extension(writer);
                    }
                }
                afterExtensions?.Invoke(writer);
            }
        }
        return writer.Encode();
    }

    [Fact]
    public void Read_MoreCertIdsThanAllowed_IsNull()
    {
        var arguments = new List<string> { "ocsp", "-issuer", ca.IssuingPem };
        for (var i = 1; i <= OcspRequestReader.MaxCertIds + 1; i++)
        {
            arguments.AddRange(["-serial", i.ToString()]);
        }
        var path = ca.Files.File("many.der");
        OpenSsl.Ok(ca.Files.Path, [.. arguments, "-reqout", path]);

        Assert.Null(OcspRequestReader.Read(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Read_MutatedRequests_NeverThrow()
    {
        var path = ca.Files.File("seed.der");
        OpenSsl.Ok(ca.Files.Path, "ocsp", "-issuer", ca.IssuingPem, "-serial", "0x1234", "-reqout", path);
        var seed = File.ReadAllBytes(path);
        var random = new Random(6960);
        for (var i = 0; i < 5_000; i++)
        {
            var mutant = (byte[])seed.Clone();
            switch (i % 3)
            {
                case 0:
                    mutant[random.Next(mutant.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    mutant = mutant[..random.Next(mutant.Length)];
                    break;
                default:
                    mutant[random.Next(mutant.Length)] = (byte)random.Next(256);
                    break;
            }
            _ = OcspRequestReader.Read(mutant);
        }
    }

    public void Dispose() => ca.Dispose();
}
