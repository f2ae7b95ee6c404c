using Enrollment.Testing.Races;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// A smaller run of the race campaign (bench/races.sh runs 200 rounds of each): ten actors at once
/// on one request decide it exactly once and pick it up at most once, on each database.
/// </summary>
public abstract class RaceTests<TFixture>(TFixture fixture) where TFixture : PortalFixture
{
    [Fact]
    public async Task TenApproversRejectersAndCancellersAtOnce_LeaveExactlyOneDecision_EveryRound()
    {
        var report = await RaceCampaign.DecisionsAsync(fixture.Portal.Services, rounds: 20);

        Assert.Empty(report.Violations);
        Assert.Equal(20, report.Rounds);
    }

    [Fact]
    public async Task TenPickupsAtOnceByEveryMethod_IssueExactlyOneCertificate_EveryRound()
    {
        var report = await RaceCampaign.PickupsAsync(fixture.Portal.Services, rounds: 10);

        Assert.Empty(report.Violations);
        Assert.Equal(10, report.Rounds);
    }
}

public sealed class SqliteRaceTests(PortalFixture fixture) : RaceTests<PortalFixture>(fixture), IClassFixture<PortalFixture>;

public sealed class PostgreSqlRaceTests(PostgreSqlPortalFixture fixture) : RaceTests<PostgreSqlPortalFixture>(fixture), IClassFixture<PostgreSqlPortalFixture>;
