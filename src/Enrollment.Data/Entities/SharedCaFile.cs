namespace Enrollment.Data.Entities;

/// <summary>
/// A CA file every node must hold the same of, kept in the database by the node that made it: the
/// delegated OCSP signer's certificate and sealed key, renewed by one node and adopted by the others.
/// </summary>
public sealed class SharedCaFile
{
    public const string OcspSignerCertificate = "ocsp.crt";

    public const string OcspSignerKey = "ocsp.key";

    public string Name { get; set; } = string.Empty;

    /// <summary>As in the data directory: a key only sealed (passphrase, key ring, or a reference into the HSM).</summary>
    public byte[] Content { get; set; } = [];

    public DateTime UpdatedAt { get; set; }
}
