using Enrollment.Ca.Linting;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Revocation;

public sealed class CrlEncoderTests : IDisposable
{
    private readonly TestAuthority ca = new(new FixedClock(DateTimeOffset.UtcNow));

    [Fact]
    public void Encode_WithRevokedEntries_OpenSslVerifiesAndListsEachWithItsReason()
    {
        var compromised = SerialNumber.Create();
        var unspecified = SerialNumber.Create();
        var now = ca.Time.GetUtcNow();
        var der = CrlEncoder.Encode(ca.Authority, 7, now, now.AddDays(7),
            [new RevokedEntry(compromised, now.AddMinutes(-1), RevocationReason.KeyCompromise),
             new RevokedEntry(unspecified, now.AddMinutes(-2), RevocationReason.Unspecified)]);
        var path = ca.Files.Write("test.crl", der);

        var text = OpenSsl.Ok(ca.Files.Path, "crl", "-inform", "DER", "-in", path, "-CAfile", ca.ChainPem, "-verify", "-noout", "-text");

        Assert.Contains("verify OK", text, StringComparison.Ordinal);
        Assert.Contains("X509v3 CRL Number: \n                7", text, StringComparison.Ordinal);
        Assert.Matches($@"Serial Number: {SerialNumber.ToCanonical(compromised)}\s+Revocation Date: .*\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise", text);
        // RFC 5280 5.3.1: no reasonCode for unspecified.
        Assert.Matches($@"Serial Number: {SerialNumber.ToCanonical(unspecified)}\s+Revocation Date: [^\n]*\n\s+(Serial Number|Signature Algorithm)", text);
        Assert.Contains("Next Update:", text, StringComparison.Ordinal);
        var read = BouncyCastleJudge.Crl(der, ca.Authority.Issuing.RawData);
        Assert.Equal(7, read.Number.IntValue);
        Assert.Equal(now.AddDays(7).UtcDateTime, read.NextUpdate!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(1, read.Entries[new Org.BouncyCastle.Math.BigInteger(1, compromised)]);
        Assert.Null(read.Entries[new Org.BouncyCastle.Math.BigInteger(1, unspecified)]);
    }

    [Fact]
    public void Encode_NothingRevoked_OmitsTheListAndStillVerifies()
    {
        var now = ca.Time.GetUtcNow();
        var path = ca.Files.Write("empty.crl", CrlEncoder.Encode(ca.Authority, 1, now, now.AddDays(7), []));

        var text = OpenSsl.Ok(ca.Files.Path, "crl", "-inform", "DER", "-in", path, "-CAfile", ca.ChainPem, "-verify", "-noout", "-text");

        Assert.Contains("No Revoked Certificates.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_TwentyThousandEntries_IsAcceptedByOpenSslAndReadBack()
    {
        var now = ca.Time.GetUtcNow();
        var entries = Enumerable.Range(0, 20_000)
            .Select(i => new RevokedEntry(SerialNumber.Create(), now.AddSeconds(-i), (RevocationReason)(i % 2 == 0 ? 1 : 5)))
            .ToList();
        var der = CrlEncoder.Encode(ca.Authority, 42, now, now.AddDays(7), entries);

        OpenSsl.Ok(ca.Files.Path, "crl", "-inform", "DER", "-in", ca.Files.Write("big.crl", der), "-CAfile", ca.ChainPem, "-verify", "-noout");
        var info = CrlInfo.Read(der);

        Assert.Equal(20_000, info.EntryCount);
        Assert.Equal(42, (int)info.Number);
        Assert.Empty(CrlLinter.LintCrl(der, ca.Authority));
    }

    [Fact]
    public void Encode_NextUpdateNotAfterThisUpdate_IsRefusedByTheLinter()
    {
        var now = ca.Time.GetUtcNow();

        var error = Assert.Throws<LintFailedException>(() => CrlEncoder.Encode(ca.Authority, 1, now, now, []));

        Assert.Contains("nextUpdate is not after thisUpdate", error.Findings);
    }

    [Fact]
    public void Encode_DuplicateSerial_IsRefusedByTheLinter()
    {
        var now = ca.Time.GetUtcNow();
        var serial = SerialNumber.Create();

        var error = Assert.Throws<LintFailedException>(() => CrlEncoder.Encode(ca.Authority, 1, now, now.AddDays(1),
            [new RevokedEntry(serial, now, RevocationReason.KeyCompromise), new RevokedEntry(serial, now, RevocationReason.Superseded)]));

        Assert.Contains("a serial is listed twice", error.Findings);
    }

    public void Dispose() => ca.Dispose();
}
