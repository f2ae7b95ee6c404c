namespace Enrollment.Data.Entities;

/// <summary>
/// The issuing CA's current CRL, kept in the database so every node serves the same one: one node
/// publishes (under a writer lock), the others copy it into their data directory for their front server.
/// </summary>
public sealed class CrlPublication
{
    /// <summary>The CRL number (RFC 5280 5.2.3), from the <see cref="CaCounter.CrlNumber"/> counter.</summary>
    public long Number { get; set; }

    public string IssuerKeyId { get; set; } = string.Empty;

    public byte[] Der { get; set; } = [];

    public DateTime ThisUpdate { get; set; }

    public DateTime NextUpdate { get; set; }
}
