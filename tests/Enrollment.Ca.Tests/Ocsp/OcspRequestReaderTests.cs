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
