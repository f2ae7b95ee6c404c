namespace Enrollment.Data.Entities;

/// <summary>
/// One security event. Append-only; <see cref="Hash"/> covers the fields and the previous row's
/// hash, so altering or deleting a row breaks the chain from there on.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTime OccurredAt { get; set; }

    /// <summary>Who acted: a user's email, "system", or "cli:" and the operating-system user.</summary>
    public string Actor { get; set; } = string.Empty;

    public string? Address { get; set; }

    /// <summary>A dotted event name such as "certificate.issued" or "crl.published".</summary>
    public string EventType { get; set; } = string.Empty;

    /// <summary>What the event is about: a serial, a user id, a request id.</summary>
    public string? Target { get; set; }

    /// <summary>Facts that help an investigation; never keys, passwords or secrets.</summary>
    public string Details { get; set; } = string.Empty;

    public string PreviousHash { get; set; } = string.Empty;

    public string Hash { get; set; } = string.Empty;

    /// <summary>
    /// How <see cref="Hash"/> is computed: 1 joined the fields with newlines (rows written before
    /// version 2 existed keep it), 2 length-prefixes each field so text cannot move between fields.
    /// </summary>
    public int HashVersion { get; set; } = AuditTrail.CurrentHashVersion;
}
