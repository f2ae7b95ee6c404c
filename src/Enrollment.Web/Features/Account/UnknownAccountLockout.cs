using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// Failed sign-ins for names that are no account, counted like a real account's: after as many
/// failures the name answers "locked out" for the lockout time. Kept in memory and bounded, so a
/// run through many invented names costs no database writes and no unbounded memory.
/// </summary>
public sealed class UnknownAccountLockout(TimeProvider time) : IDisposable
{
    private readonly MemoryCache failures = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>Counts one failure for the name; true when the name is now locked out.</summary>
    public bool Fail(string userName, LockoutOptions lockout)
    {
        var key = userName.Trim().ToUpperInvariant();
        var now = time.GetUtcNow();
        lock (failures)
        {
            var entry = failures.Get<Entry>(key) ?? new Entry();
            if (entry.LockedUntil > now)
            {
                return true;
            }
            entry.Count++;
            if (entry.Count >= lockout.MaxFailedAccessAttempts)
            {
                entry = new Entry { LockedUntil = now + lockout.DefaultLockoutTimeSpan };
            }
            failures.Set(key, entry, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = lockout.DefaultLockoutTimeSpan });
            return entry.LockedUntil > now;
        }
    }

    public void Dispose() => failures.Dispose();

    private sealed class Entry
    {
        public int Count { get; set; }

        public DateTimeOffset LockedUntil { get; set; }
    }
}
