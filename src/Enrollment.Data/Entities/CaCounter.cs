using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Entities;

/// <summary>A named monotonic counter of the CA, such as the CRL number (which must survive restarts).</summary>
public sealed class CaCounter
{
    /// <summary>The number of the last CRL published (RFC 5280 5.2.3: strictly increasing).</summary>
    public const string CrlNumber = "CrlNumber";

    /// <summary>Bumped by every revocation, so other processes drop cached OCSP answers.</summary>
    public const string RevocationEpoch = "RevocationEpoch";

    public string Name { get; set; } = string.Empty;

    public long Value { get; set; }

    /// <summary>Adds one to a counter inside the caller's transaction and returns the new value.</summary>
    public static async Task<long> IncrementAsync(EnrollmentDbContext db, string name, CancellationToken cancellationToken)
    {
        var updated = await db.CaCounters.Where(c => c.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, c => c.Value + 1), cancellationToken);
        if (updated == 0)
        {
            db.CaCounters.Add(new CaCounter { Name = name, Value = 1 });
            await db.SaveChangesAsync(cancellationToken);
        }
        return await ReadAsync(db, name, cancellationToken);
    }

    /// <summary>Raises a counter to at least <paramref name="floor"/> (a restored CA's CRL number); never lowers it.</summary>
    public static async Task RaiseAsync(EnrollmentDbContext db, string name, long floor, CancellationToken cancellationToken)
    {
        var updated = await db.CaCounters.Where(c => c.Name == name)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, c => c.Value < floor ? floor : c.Value), cancellationToken);
        if (updated == 0)
        {
            db.CaCounters.Add(new CaCounter { Name = name, Value = floor });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public static async Task<long> ReadAsync(EnrollmentDbContext db, string name, CancellationToken cancellationToken) =>
        await db.CaCounters.AsNoTracking().Where(c => c.Name == name).Select(c => c.Value).FirstOrDefaultAsync(cancellationToken);
}
