using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) as authenticator apps compute it.
/// Identity's own implementation is internal and accepts a code for several steps; this one
/// returns the step that matched, so the caller can refuse it the second time.
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;

    /// <summary>RFC 6238 5.2: allow one step of clock drift either way, no more.</summary>
    private const int Drift = 1;

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The time step whose code equals <paramref name="code"/>, or null.</summary>
    public static long? MatchingStep(byte[] key, string code, DateTimeOffset now)
    {
        var digits = code.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        var expected = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        var current = StepAt(now);
        long? match = null;
        for (var step = current - Drift; step <= current + Drift; step++)
        {
            // Compare every candidate so the time taken does not tell which one matched.
            if (Code(key, step) == expected)
            {
                match ??= step;
            }
        }
        return match;
    }

    public static int Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7FFFFFFF;
        return binary % 1_000_000;
    }

    /// <summary>RFC 4648 base32 as Identity stores authenticator keys (upper case, no padding).</summary>
    public static byte[] DecodeBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.TrimEnd('=').Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var output = new byte[clean.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in clean)
        {
            var value = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("The authenticator key is not base32.");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return output;
    }
}
