using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Admin;

/// <summary>
/// The audit log against someone who can edit the database, as the security review attacked it:
/// the last 50 rows deleted, the whole chain rewritten with fresh hashes, text moved between fields.
/// `audit verify` finds each, and the portal never signs a checkpoint for the tampered log.
/// </summary>
public sealed class AuditAnchorTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    private string Database => directory.File("data/enrollment.db");

    [Fact]
    public async Task LastFiftyRowsDeleted_AuditVerifyFindsTheMissingTail_EvenAfterARestart()
    {
        await FillAsync(80);
        var last = await ScalarAsync("SELECT max(Id) FROM AuditEvents");

        await ExecuteAsync($"DELETE FROM AuditEvents WHERE Id > {last - 50}");
        // A restart must not anchor the shortened log as if it were whole.
        await using (await RunningPortal.RestartAsync(directory, PortalDatabases.SqliteFile))
        {
        }
        var (code, _, error) = await AuditVerifyAsync();

        Assert.Equal(1, code);
        Assert.Contains("The last 50 audit events were deleted", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChainRewrittenWithFreshHashes_AuditVerifyFindsIt()
    {
        await FillAsync(20);

        await RewriteAsync(row => row.Details = row.EventType == "test.event" ? "nothing to see" : row.Details);
        var (code, _, error) = await AuditVerifyAsync();

        Assert.Equal(1, code);
        Assert.Contains("The audit chain was rewritten", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextMovedFromOneFieldToAnother_BreaksTheChain()
    {
        await FillAsync(3, target: "serial-1", details: "reason=keyCompromise\nby=admin");
        var victim = await ScalarAsync("SELECT min(Id) FROM AuditEvents WHERE EventType = 'test.event'");

        // The newline-joined hash of the first version could not tell these two rows apart.
        await ExecuteAsync($"UPDATE AuditEvents SET Target = 'serial-1\nreason=keyCompromise', Details = 'by=admin' WHERE Id = {victim}");
        var (code, _, error) = await AuditVerifyAsync();

        Assert.Equal(1, code);
        Assert.Contains($"broken at event {victim}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointRemoved_AuditVerifyFails_AndARestartDoesNotAnchorAfresh()
    {
        await FillAsync(5);

        File.Delete(directory.File("data/audit/checkpoint.json"));
        await using (await RunningPortal.RestartAsync(directory, PortalDatabases.SqliteFile))
        {
        }
        var (code, _, error) = await AuditVerifyAsync();

        Assert.Equal(1, code);
        Assert.Contains("checkpoint outside the database is missing or not valid", error, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.File("data/audit/checkpoint.json")));
    }

    [Fact]
    public async Task UntouchedLog_AfterRestarts_IsIntact()
    {
        await FillAsync(5);
        await FillAsync(5);

        var (code, output, _) = await AuditVerifyAsync();

        Assert.Equal(0, code);
        Assert.Contains("intact", output, StringComparison.Ordinal);
    }

    public void Dispose() => directory.Dispose();

    /// <summary>Runs the portal on the directory, appends events through the audit trail, and anchors them as the portal does.</summary>
    private async Task FillAsync(int events, string target = "target", string details = "details")
    {
        await using var portal = await RunningPortal.RestartAsync(directory, PortalDatabases.SqliteFile);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync();
        var trail = portal.Services.GetRequiredService<AuditTrail>();
        for (var i = 0; i < events; i++)
        {
            await trail.AppendAsync(db, new AuditEntry("tester@example.com", "test.event", target, details));
        }
        await portal.Services.GetRequiredService<AuditAnchor>().CheckpointAsync(db);
    }

    /// <summary>Edits rows, then recomputes every hash and link from the first edit on: a rewrite that leaves the chain holding.</summary>
    private async Task RewriteAsync(Action<AuditEvent> edit)
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        Data.Sqlite.SqliteSetup.Configure(options, Database);
        await using var db = new EnrollmentDbContext(options.Options);
        var previous = AuditTrail.GenesisHash;
        foreach (var row in await db.AuditEvents.OrderBy(e => e.Id).ToListAsync())
        {
            edit(row);
            row.PreviousHash = previous;
            row.Hash = AuditTrail.HashOf(row);
            previous = row.Hash;
        }
        await db.SaveChangesAsync();
        SqliteConnection.ClearAllPools();
        Assert.Null(await AuditTrail.FindFirstBrokenAsync(new EnrollmentDbContext(options.Options)));
    }

    private async Task<(int Code, string Output, string Error)> AuditVerifyAsync()
    {
        var result = await AdminVerbs.RunAsync("audit", "verify", "--data-dir", directory.File("data"));
        return (result.ExitCode, result.Output, result.Error);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
