namespace Enrollment.Ca.Issuance;

/// <summary>What is written down before signing: enough to find, list and revoke the certificate.</summary>
public sealed record IssuanceIntent(
    string Serial, string IssuerKeyId, string UserId, string Profile, string SubjectDn, string PublicKeySha256,
    DateTimeOffset NotBefore, DateTimeOffset NotAfter, Guid? RequestId);

/// <summary>
/// The durable record of issuance, in the crash-safe order of docs/pitfalls.md ("Serial before
/// signature"): the intent is committed before the CA key signs, the certificate after.
/// </summary>
public interface IIssuanceLedger
{
    /// <summary>Commits the intent. The serial is unique: a serial is never used twice.</summary>
    Task RecordIntentAsync(IssuanceIntent intent, CancellationToken cancellationToken);

    /// <summary>Stores the signed certificate and marks it issued, in one transaction.</summary>
    Task RecordIssuedAsync(IssuanceIntent intent, byte[] certificate, CancellationToken cancellationToken);

    /// <summary>
    /// Marks an intent that will not complete. It may have been signed, so it is listed as revoked
    /// from then on and OCSP never calls it good.
    /// </summary>
    Task RecordAbandonedAsync(string serial, CancellationToken cancellationToken);
}

/// <summary>The points of issuance where a test can inject a failure (a crash, a full disk, a lost lock).</summary>
public enum IssuanceStep
{
    AfterIntent,
    AfterSigning,
    BeforeCommit,

    /// <summary>Before a failed issuance is marked abandoned: a fault here models a process that died.</summary>
    BeforeAbandon,
}

/// <summary>A hook for injected faults; production uses <see cref="NoIssuanceFaults"/>.</summary>
public interface IIssuanceFaults
{
    void At(IssuanceStep step);
}

public sealed class NoIssuanceFaults : IIssuanceFaults
{
    public static readonly NoIssuanceFaults Instance = new();

    public void At(IssuanceStep step)
    {
    }
}
