using System.Net;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Npgsql;

namespace Enrollment.Web.Tests.Features.Databases;

/// <summary>/healthz as an nginx upstream or a balancer probes it, on a node whose PostgreSQL database goes away.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_OverPlainHttp_SaysOkWhileTheDatabaseAnswers_And503OnceItIsGone()
    {
        var connectionString = PostgresServer.NewDatabase();
        await using var portal = await RunningPortal.StartAsync(
            "--Enrollment:Database:Provider=PostgreSql", $"--Enrollment:Database:ConnectionString={connectionString}");
        using var client = portal.Client();
        using var healthy = await client.GetAsync(new Uri(portal.Http, "healthz"));

        await DropAsync(connectionString);
        using var gone = await client.GetAsync(new Uri(portal.Http, "healthz"));

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("ok\n", await healthy.Content.ReadAsStringAsync());
        Assert.Equal("no-store", healthy.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.StatusCode);
        Assert.Equal("unavailable\n", await gone.Content.ReadAsStringAsync());
    }

    /// <summary>The database dropped under the running node, its connections cut (PostgreSQL 13's FORCE).</summary>
    private static async Task DropAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database;
        builder.Database = "postgres";
        builder.Pooling = false;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
