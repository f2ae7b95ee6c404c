using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// Publishes the issuing CA's full CRL: on every revocation, when half its validity has passed,
/// and on demand. The file in the data directory is the shared copy, so a CRL published by an
/// admin verb in another process is served at once.
/// </summary>
public sealed partial class CrlPublisher(
    CertificateAuthority authority, RevocationRecords records, IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit,
    IOptions<EnrollmentOptions> options, IOptions<CaOptions> caOptions, TimeProvider time, ILogger<CrlPublisher> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CrlFile file = new(options.Value.PathOf("ca", "issuing.crl"));

    private TimeSpan Validity => TimeSpan.FromHours(caOptions.Value.CrlValidityHours);

    /// <summary>The CRL on disk, re-read only when the file changed; null before the first publication.</summary>
    public PublishedCrl? Current => file.Current;

    public async Task<PublishedCrl> PublishAsync(string actor, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var number = await records.NextCrlNumberAsync(cancellationToken);
            var entries = await records.ListRevokedAsync(authority.IssuerKeyId, cancellationToken);
            var thisUpdate = time.GetUtcNow();
            var der = CrlEncoder.Encode(authority, number, thisUpdate, thisUpdate + Validity, entries);
            DataFiles.WriteWhole(file.Path, der);
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                await audit.AppendAsync(db, new AuditEntry(actor, "crl.published", number.ToString(),
                    $"entries={entries.Count} nextUpdate={(thisUpdate + Validity):O}"), cancellationToken);
            }
            LogPublished(number, entries.Count);
            return Current!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Publishes when there is no CRL yet, half of its validity has passed, or it misses a revocation
    /// (a publication after a revocation failed): the CRL catches up as soon as publishing works again.
    /// </summary>
    public async Task EnsureFreshAsync(CancellationToken cancellationToken)
    {
        if (Current is not { } crl || time.GetUtcNow() >= crl.Info.ThisUpdate + (crl.Info.NextUpdate - crl.Info.ThisUpdate) / 2
            || await IsBehindRevocationsAsync(crl, cancellationToken))
        {
            await PublishAsync("system", cancellationToken);
        }
    }

    /// <summary>The CRL lists fewer revocations than the records hold.</summary>
    public async Task<bool> IsBehindRevocationsAsync(PublishedCrl crl, CancellationToken cancellationToken) =>
        crl.Info.EntryCount < await records.CountRevokedAsync(authority.IssuerKeyId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published CRL number {Number} with {Entries} entries")]
    private partial void LogPublished(long number, int entries);
}
