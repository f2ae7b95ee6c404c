using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Enrollment.Web.Features.Backup;

/// <summary>
/// The backup file's encryption: a passphrase, PBKDF2-HMAC-SHA256 (600,000 rounds) to an AES-256
/// key, and the content in 1 MiB chunks, each sealed with AES-256-GCM. The header (format, salt,
/// rounds, a passphrase check, the nonce prefix) is authenticated with every chunk; each chunk's
/// nonce carries its index and its associated data whether it is the last, so a changed, reordered,
/// dropped or cut-off chunk fails, and a wrong passphrase is told apart from a damaged file.
/// </summary>
public static class EncryptedArchive
{
    private static readonly byte[] Magic = "ENROLLMENT-BACKUP/1\n"u8.ToArray();
    private static readonly byte[] CheckLabel = "enrollment-backup passphrase check"u8.ToArray();
    private const int Iterations = 600_000;
    private const int SaltSize = 16;
    private const int CheckSize = 32;
    private const int NoncePrefixSize = 8;
    private const int TagSize = 16;
    private const int ChunkSize = 1 << 20;
    private static readonly int HeaderSize = Magic.Length + SaltSize + 4 + CheckSize + NoncePrefixSize;

    public const int MinimumPassphraseLength = 12;

    /// <summary>Encrypts <paramref name="plaintext"/> (read to its end) into <paramref name="output"/>.</summary>
    public static void Encrypt(Stream plaintext, Stream output, string passphrase)
    {
        if (passphrase.Length < MinimumPassphraseLength)
        {
            throw new BackupException($"The backup passphrase must have at least {MinimumPassphraseLength} characters.");
        }
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var (key, check) = Derive(passphrase, salt, Iterations);
        var header = new byte[HeaderSize];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        salt.CopyTo(span[Magic.Length..]);
        BinaryPrimitives.WriteInt32BigEndian(span[(Magic.Length + SaltSize)..], Iterations);
        check.CopyTo(span[(Magic.Length + SaltSize + 4)..]);
        RandomNumberGenerator.Fill(span[(HeaderSize - NoncePrefixSize)..]);
        output.Write(header);

        using var aes = new AesGcm(key, TagSize);
        var buffer = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var length = plaintext.ReadAtLeast(buffer, ChunkSize, throwOnEndOfStream: false);
        var prefix = new byte[4];
        for (uint index = 0; ; index++)
        {
            var nextLength = length == ChunkSize ? plaintext.ReadAtLeast(next, ChunkSize, throwOnEndOfStream: false) : 0;
            var final = nextLength == 0;
            var ciphertext = new byte[length];
            var tag = new byte[TagSize];
            aes.Encrypt(Nonce(header, index), buffer.AsSpan(0, length), ciphertext, tag, Associated(header, final));
            BinaryPrimitives.WriteInt32BigEndian(prefix, length);
            output.Write(prefix);
            output.Write(ciphertext);
            output.Write(tag);
            if (final)
            {
                return;
            }
            (buffer, next) = (next, buffer);
            length = nextLength;
        }
    }

    /// <summary>
    /// Decrypts into <paramref name="plaintext"/>; throws <see cref="BackupException"/> with a clear
    /// message for a wrong passphrase or a changed, damaged or cut-off file. The caller writes
    /// nothing final until this returns.
    /// </summary>
    public static void Decrypt(Stream input, Stream plaintext, string passphrase)
    {
        var header = new byte[HeaderSize];
        if (input.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new BackupException("This file is not an Enrollment backup.");
        }
        var salt = header.AsSpan(Magic.Length, SaltSize).ToArray();
        var iterations = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(Magic.Length + SaltSize));
        if (iterations is < 100_000 or > 10_000_000)
        {
            throw new BackupException("The backup's header was changed or damaged.");
        }
        var (key, check) = Derive(passphrase, salt, iterations);
        if (!CryptographicOperations.FixedTimeEquals(check, header.AsSpan(Magic.Length + SaltSize + 4, CheckSize)))
        {
            throw new BackupException("The passphrase does not open this backup.");
        }
        using var aes = new AesGcm(key, TagSize);
        Span<byte> prefix = stackalloc byte[4];
        for (uint index = 0; ; index++)
        {
            if (input.ReadAtLeast(prefix, 4, throwOnEndOfStream: false) < 4)
            {
                throw new BackupException("The backup ends too early: it was cut off or damaged.");
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(prefix);
            if (length is < 0 or > ChunkSize)
            {
                throw Damaged();
            }
            var ciphertext = new byte[length];
            var tag = new byte[TagSize];
            if (input.ReadAtLeast(ciphertext, length, throwOnEndOfStream: false) < length || input.ReadAtLeast(tag, TagSize, throwOnEndOfStream: false) < TagSize)
            {
                throw new BackupException("The backup ends too early: it was cut off or damaged.");
            }
            var chunk = new byte[length];
            var final = input.Position == input.Length;
            try
            {
                aes.Decrypt(Nonce(header, index), ciphertext, tag, chunk, Associated(header, final));
            }
            catch (AuthenticationTagMismatchException)
            {
                // A chunk whose final flag does not match where it is: cut off or extended.
                throw Damaged();
            }
            plaintext.Write(chunk);
            if (final)
            {
                return;
            }
        }
    }

    private static BackupException Damaged() => new("The backup was changed or damaged: its content fails the integrity check.");

    private static (byte[] Key, byte[] Check) Derive(string passphrase, byte[] salt, int iterations)
    {
        var derived = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 64);
        return (derived[..32], HMACSHA256.HashData(derived[32..], CheckLabel));
    }

    private static byte[] Nonce(byte[] header, uint index)
    {
        var nonce = new byte[12];
        header.AsSpan(HeaderSize - NoncePrefixSize).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(NoncePrefixSize), index);
        return nonce;
    }

    private static byte[] Associated(byte[] header, bool final) => [.. header, final ? (byte)1 : (byte)0];
}

/// <summary>A backup that cannot be written or restored; the message says why.</summary>
public sealed class BackupException(string message) : Exception(message);
