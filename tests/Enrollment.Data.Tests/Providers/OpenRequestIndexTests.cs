using Enrollment.Data.Entities;
using Enrollment.Testing;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Tests.Providers;

/// <summary>One open request per requester and profile is the database's rule, not only the portal's check.</summary>
public sealed class OpenRequestIndexTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task SecondOpenRequest_ForTheSameProfile_IsRefusedByTheDatabase_WhileClosedOnesAndOtherProfilesAreNot(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var user = await database.AddUserAsync();
        await using var db = await database.Factory.CreateDbContextAsync();
        db.Requests.AddRange(
            Request(user.Id, "privileged-access", RequestState.Pending),
            Request(user.Id, "privileged-access", RequestState.Lapsed),
            Request(user.Id, "privileged-access", RequestState.Issued),
            Request(user.Id, "break-glass", RequestState.Approved));
        await db.SaveChangesAsync();

        db.Requests.Add(Request(user.Id, "privileged-access", RequestState.Approved));
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.True(UniqueViolation.Is(refused), refused.InnerException?.Message);
    }

    private static EnrollmentRequest Request(string userId, string profile, RequestState state) => new()
    {
        Id = Guid.NewGuid(), RequesterId = userId, Profile = profile, Justification = "a justification long enough",
        State = state, SubmittedAt = DateTime.UtcNow, PickupDeadline = state == RequestState.Approved ? DateTime.UtcNow.AddDays(7) : null,
    };
}
