using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Enrollment.Ca.Authority;
using Enrollment.Data;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Admin.Audit;

/// <summary>A signed statement of the audit log's head: so many rows, the last one with this id and hash.</summary>
public sealed record AuditCheckpoint(long Count, long LastId, string Hash, DateTimeOffset At, string Signature)
{
    /// <summary>The bytes the signature covers.</summary>
    public byte[] SignedText() =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"enrollment-audit-checkpoint/1\n{Count}\n{LastId}\n{Hash}\n{At:O}"));
}

/// <summary>What verifying the audit log found.</summary>
public enum AuditVerdict
{
    Intact,

    /// <summary>A row was edited or removed from the middle: its hash or link is wrong.</summary>
    RowAltered,

    /// <summary>Rows up to the last checkpoint are missing: the end of the log was deleted.</summary>
    TailDeleted,

    /// <summary>The chain holds but differs from the signed checkpoint: it was rewritten with fresh hashes.</summary>
    ChainRewritten,

    /// <summary>The checkpoint file is missing, unreadable or not signed by the anchor key.</summary>
    CheckpointInvalid,
}

/// <summary>The verdict, with the row or checkpoint it is about.</summary>
public sealed record AuditVerification(AuditVerdict Verdict, long? RowId = null, AuditCheckpoint? Checkpoint = null, long Missing = 0)
{
    public bool IsIntact => Verdict == AuditVerdict.Intact;

    /// <summary>The arguments of the verdict's text: row, missing rows, the checkpoint's count and time.</summary>
    public object?[] Arguments => [RowId, Missing, Checkpoint?.Count, Checkpoint?.At.ToString("u", CultureInfo.InvariantCulture)];

    /// <summary>In English, for the admin verb and the audit log.</summary>
    public string Message => string.Format(CultureInfo.InvariantCulture, Verdict switch
    {
        AuditVerdict.Intact => "The audit chain is intact.",
        AuditVerdict.RowAltered => "The audit chain is broken at event {0}: that row or the one before it was altered or removed.",
        AuditVerdict.TailDeleted => "The last {1} audit events were deleted: the log ends at event {0}, but a signed checkpoint of {3} vouches for {2} events.",
        AuditVerdict.ChainRewritten => "The audit chain was rewritten: event {0} does not match the signed checkpoint of {3}.",
        _ => "The signed audit checkpoint outside the database is missing or not valid, so a deleted or rewritten end of the log cannot be ruled out.",
    }, Arguments);
}

/// <summary>
/// Anchors the hash-chained audit log outside the database (docs/pitfalls.md, "Audit anchor"): the
/// head (row count, last id and hash) is signed with a key kept beside the CA's keys, sealed the same
/// way, and written to <c>audit/checkpoint.json</c> and to the log. Someone who can edit the database
/// but not the data directory's keys cannot delete the tail or rewrite the chain unnoticed.
/// </summary>
public sealed partial class AuditAnchor(IOptions<EnrollmentOptions> options, ICaKeyProtector protector, TimeProvider time, ILogger<AuditAnchor> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The signing key, and whether this process made it (then the first checkpoint needs no previous one).</summary>
    private readonly Lazy<(ECDsa Key, bool IsNew)> anchorKey = new(() => LoadOrCreateKey(options.Value.PathOf("audit"), protector));

    /// <summary>The checkpoint this process last wrote or read: an idle second then costs one indexed lookup, no file read.</summary>
    private AuditCheckpoint? written;

    private string CheckpointPath => options.Value.PathOf("audit", "checkpoint.json");

    /// <summary>Signs and writes the current head when it moved since the last checkpoint.</summary>
    public async Task CheckpointAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await AuditTrail.LastAsync(db, cancellationToken) is not { } last)
            {
                return;
            }
            var previous = written ??= ReadSigned();
            if (previous is not null && previous.LastId == last.Id && previous.Hash == last.Hash
                || await RefusesToAdvanceAsync(db, previous, cancellationToken)
                || await AuditTrail.FindAsync(db, last.Id, cancellationToken) is not { } head)
            {
                return;
            }
            var unsigned = new AuditCheckpoint(head.Count, head.LastId, head.Hash, time.GetUtcNow(), string.Empty);
            var checkpoint = unsigned with { Signature = Convert.ToBase64String(Key.SignData(unsigned.SignedText(), HashAlgorithmName.SHA256)) };
            DataFiles.WriteWhole(CheckpointPath, JsonSerializer.SerializeToUtf8Bytes(checkpoint));
            written = checkpoint;
            // A second copy where the database cannot reach: the log, wherever the operator ships it.
            LogCheckpoint(checkpoint.Count, checkpoint.LastId, checkpoint.Hash, checkpoint.Signature);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The chain, then the chain against the signed checkpoint.</summary>
    public async Task<AuditVerification> VerifyAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default)
    {
        if (await AuditTrail.FindFirstBrokenAsync(db, cancellationToken) is { } broken)
        {
            return new AuditVerification(AuditVerdict.RowAltered, broken);
        }
        if (ReadSigned() is not { } checkpoint)
        {
            // An empty log has no checkpoint yet; a log with rows always has one (written at start and after every append).
            return await AuditTrail.HeadAsync(db, cancellationToken) is null
                ? new AuditVerification(AuditVerdict.Intact)
                : new AuditVerification(AuditVerdict.CheckpointInvalid);
        }
        var found = await AuditTrail.FindAsync(db, checkpoint.LastId, cancellationToken);
        if (found is null)
        {
            var head = await AuditTrail.HeadAsync(db, cancellationToken);
            return new AuditVerification(AuditVerdict.TailDeleted, head?.LastId, checkpoint, checkpoint.Count - (head?.Count ?? 0));
        }
        return found.Hash != checkpoint.Hash || found.Count != checkpoint.Count
            ? new AuditVerification(AuditVerdict.ChainRewritten, checkpoint.LastId, checkpoint)
            : new AuditVerification(AuditVerdict.Intact, null, checkpoint);
    }

    private ECDsa Key => anchorKey.Value.Key;

    /// <summary>
    /// A checkpoint only ever extends the one before it. When the log no longer holds the last
    /// checkpoint's head (a deleted tail, a rewritten chain), or that checkpoint is gone while its key
    /// is not, nothing is written: the anchor must not come to vouch for a tampered log.
    /// </summary>
    private async Task<bool> RefusesToAdvanceAsync(EnrollmentDbContext db, AuditCheckpoint? previous, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            if (anchorKey.Value.IsNew)
            {
                return false;
            }
            LogNotAnchored();
            return true;
        }
        if (await AuditTrail.FindAsync(db, previous.LastId, cancellationToken) is { } anchored && anchored.Hash == previous.Hash && anchored.Count == previous.Count)
        {
            return false;
        }
        LogAnchorMismatch(previous.LastId, previous.Count);
        return true;
    }

    /// <summary>The checkpoint file, if it is there, readable and signed by the anchor key.</summary>
    private AuditCheckpoint? ReadSigned() => Read() is { } checkpoint && IsSigned(checkpoint) ? checkpoint : null;

    private bool IsSigned(AuditCheckpoint checkpoint)
    {
        try
        {
            return Key.VerifyData(checkpoint.SignedText(), Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private AuditCheckpoint? Read()
    {
        try
        {
            return File.Exists(CheckpointPath) ? JsonSerializer.Deserialize<AuditCheckpoint>(File.ReadAllBytes(CheckpointPath)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (ECDsa Key, bool IsNew) LoadOrCreateKey(string directory, ICaKeyProtector protector)
    {
        var path = Path.Combine(directory, "anchor.key");
        if (File.Exists(path))
        {
            return (protector.Open(File.ReadAllBytes(path)), false);
        }
        var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DataFiles.WriteWhole(path, protector.Seal(created), ownerOnly: true);
        return (created, true);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit checkpoint: {Count} events, last {LastId} {Hash}, signature {Signature}")]
    private partial void LogCheckpoint(long count, long lastId, string hash, string signature);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The audit log no longer holds event {LastId} as its signed checkpoint of {Count} events recorded it: events were deleted or rewritten. No further checkpoint is written; run `audit verify`")]
    private partial void LogAnchorMismatch(long lastId, long count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The signed audit checkpoint is missing or invalid while its key exists; no checkpoint is written. Run `audit verify`; to anchor the log afresh deliberately, remove audit/anchor.key")]
    private partial void LogNotAnchored();
}
