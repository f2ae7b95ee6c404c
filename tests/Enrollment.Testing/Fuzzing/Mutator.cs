namespace Enrollment.Testing.Fuzzing;

/// <summary>
/// A seeded mutation engine (SharpFuzz is not available here): each input is a valid sample with
/// one to three edits: bit flips, byte overwrites, truncation, DER length-field edits, splicing with
/// another sample, duplicated or inserted runs. The same seed gives the same inputs.
/// </summary>
public sealed class Mutator(int seed, IReadOnlyList<byte[]> samples)
{
    // Tags whose next byte is a length in the samples we feed (SEQUENCE, SET, INTEGER, BIT/OCTET
    // STRING, NULL, OID, UTF8String, PrintableString, the context tags of CSRs and OCSP requests).
    private static readonly HashSet<byte> Tags = [0x30, 0x31, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0xA0, 0xA1, 0xA2, 0xA3];

    private static readonly byte[][] Lengths =
    [
        [0x00], [0x01], [0x7F], [0x80], [0x81, 0xFF], [0x82, 0xFF, 0xFF], [0x84, 0xFF, 0xFF, 0xFF, 0xFF], [0x89, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
    ];

    private readonly Random random = new(seed);

    public byte[] Next()
    {
        var input = samples[random.Next(samples.Count)].ToArray();
        for (var edits = random.Next(1, 4); edits > 0 && input.Length > 0; edits--)
        {
            input = random.Next(8) switch
            {
                0 => FlipBit(input),
                1 => SetByte(input),
                2 => input[..random.Next(input.Length)],
                3 or 4 => EditLength(input),
                5 => Splice(input),
                6 => Duplicate(input),
                _ => Insert(input),
            };
        }
        return input;
    }

    private byte[] FlipBit(byte[] input)
    {
        input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
        return input;
    }

    private byte[] SetByte(byte[] input)
    {
        input[random.Next(input.Length)] = (byte)random.Next(256);
        return input;
    }

    /// <summary>Rewrites the length after a random tag: off by one, zero, indefinite, or huge.</summary>
    private byte[] EditLength(byte[] input)
    {
        var positions = Enumerable.Range(0, input.Length - 1).Where(i => Tags.Contains(input[i])).ToArray();
        if (positions.Length == 0)
        {
            return SetByte(input);
        }
        var at = positions[random.Next(positions.Length)] + 1;
        var oldLengthBytes = input[at] < 0x80 ? 1 : 1 + Math.Min(input[at] & 0x7F, input.Length - at - 1);
        byte[] replacement = random.Next(3) == 0
            ? [(byte)(input[at] + (random.Next(2) == 0 ? 1 : -1))]
            : Lengths[random.Next(Lengths.Length)];
        return [.. input[..at], .. replacement, .. input[Math.Min(input.Length, at + oldLengthBytes)..]];
    }

    /// <summary>The head of this input joined to the tail of another sample.</summary>
    private byte[] Splice(byte[] input)
    {
        var other = samples[random.Next(samples.Count)];
        return [.. input[..random.Next(input.Length + 1)], .. other[random.Next(other.Length + 1)..]];
    }

    private byte[] Duplicate(byte[] input)
    {
        var start = random.Next(input.Length);
        var length = random.Next(1, Math.Min(64, input.Length - start) + 1);
        return [.. input[..(start + length)], .. input[start..(start + length)], .. input[(start + length)..]];
    }

    private byte[] Insert(byte[] input)
    {
        var at = random.Next(input.Length + 1);
        var noise = new byte[random.Next(1, 16)];
        random.NextBytes(noise);
        return [.. input[..at], .. noise, .. input[at..]];
    }
}
