using System.Security.Cryptography;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// What a phone's authenticator app computes (RFC 6238 with RFC 4226 truncation), written
/// independently of the portal's code so the tests judge it rather than repeat it.
/// </summary>
public sealed class AuthenticatorApp(string base32Key)
{
    private readonly byte[] key = Decode(base32Key);

    public static long CurrentStep => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    public string CodeAt(long step)
    {
        var counter = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0F;
        var value = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Decode(string text)
    {
        var bits = string.Concat(text.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant()
            .Select(c => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }
}
