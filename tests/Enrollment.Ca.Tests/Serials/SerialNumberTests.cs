using Enrollment.Ca.Serials;

namespace Enrollment.Ca.Tests.Serials;

public sealed class SerialNumberTests
{
    [Fact]
    public void Create_TenThousandSerials_AreUniqueAndHaveThePrefixLayout()
    {
        var serials = Enumerable.Range(0, 10_000).Select(_ => SerialNumber.Create()).ToList();

        Assert.All(serials, s =>
        {
            Assert.Equal(17, s.Length);
            Assert.InRange(s[0], (byte)0x01, (byte)0x7F);
        });
        Assert.Equal(10_000, serials.Select(s => Convert.ToHexString(s)).Distinct().Count());
        // Every prefix value is reachable, not a constant.
        Assert.True(serials.Select(s => s[0]).Distinct().Count() > 100);
    }

    [Fact]
    public void ToCanonical_OfCreatedSerial_HasNoPaddingAndIs34HexDigits()
    {
        var canonical = SerialNumber.ToCanonical(SerialNumber.Create());

        Assert.Equal(34, canonical.Length);
        Assert.False(canonical.StartsWith("00", StringComparison.Ordinal));
        Assert.Equal(canonical.ToUpperInvariant(), canonical);
    }

    [Theory]
    [InlineData("0a:1b:2c", "0A1B2C")]
    [InlineData("0A1B2C", "0A1B2C")]
    [InlineData("a1b2c", "0A1B2C")]
    [InlineData("00 0A 1B 2C", "0A1B2C")]
    [InlineData("008FF1", "8FF1")]
    [InlineData("8ff1", "8FF1")]
    [InlineData("0", "00")]
    public void TryCanonicalize_CommonForms_GiveOneCanonicalText(string typed, string expected)
    {
        Assert.True(SerialNumber.TryCanonicalize(typed, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("12:zz")]
    [InlineData(null)]
    public void TryCanonicalize_NotHex_IsRefused(string? typed)
    {
        Assert.False(SerialNumber.TryCanonicalize(typed, out _));
    }

    [Fact]
    public void ToCanonical_OfDotNetSerialWithPaddingByte_MatchesNginxForm()
    {
        // .NET prints a high-bit serial with the DER padding byte, nginx without it (docs/pitfalls.md, "Serial encoding").
        Assert.Equal(SerialNumber.Canonicalize("8FF10203"), SerialNumber.Canonicalize("008FF10203"));
    }
}
