using System.Security.Cryptography;

namespace Enrollment.Ca.Serials;

/// <summary>
/// Certificate serial numbers: creation and the one canonical text form used in every comparison.
/// </summary>
/// <remarks>
/// A serial is one prefix byte 0x01-0x7F followed by 16 random bytes. The prefix keeps the DER
/// INTEGER positive without a padding 0x00, so .NET, nginx ($ssl_client_serial) and OpenSSL all
/// print the same hex (docs/pitfalls.md, "Serial encoding"). The canonical form is upper-case hex with
/// no separators and no leading zero octets.
/// </remarks>
public static class SerialNumber
{
    public const int RandomByteCount = 16;
    public const int ByteCount = RandomByteCount + 1;

    /// <summary>Makes a new serial: a random prefix byte in 0x01-0x7F, then 16 random bytes.</summary>
    public static byte[] Create()
    {
        var serial = new byte[ByteCount];
        RandomNumberGenerator.Fill(serial.AsSpan(1));
        serial[0] = (byte)RandomNumberGenerator.GetInt32(0x01, 0x80);
        return serial;
    }

    /// <summary>The canonical text of a big-endian serial.</summary>
    public static string ToCanonical(ReadOnlySpan<byte> serial)
    {
        var start = 0;
        while (start < serial.Length - 1 && serial[start] == 0)
        {
            start++;
        }
        return Convert.ToHexString(serial[start..]);
    }

    /// <summary>
    /// Reads a serial typed or forwarded in any common form ("0a:1b", "0A1B", "a1b", "00 A1 B") and
    /// returns its canonical text, or false when the text is not a hexadecimal number.
    /// </summary>
    public static bool TryCanonicalize(string? text, out string canonical)
    {
        canonical = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 128)
        {
            return false;
        }
        Span<char> digits = stackalloc char[text.Length + 1];
        var count = 0;
        foreach (var c in text.Trim())
        {
            if (c is ':' or ' ' or '-')
            {
                continue;
            }
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
            digits[count++] = char.ToUpperInvariant(c);
        }
        if (count == 0)
        {
            return false;
        }
        var even = count % 2 == 0 ? new string(digits[..count]) : "0" + new string(digits[..count]);
        canonical = ToCanonical(Convert.FromHexString(even));
        return true;
    }

    /// <summary>The canonical text, or an <see cref="ArgumentException"/> naming the bad input.</summary>
    public static string Canonicalize(string text) =>
        TryCanonicalize(text, out var canonical)
            ? canonical
            : throw new ArgumentException($"'{text}' is not a hexadecimal serial number.", nameof(text));
}
