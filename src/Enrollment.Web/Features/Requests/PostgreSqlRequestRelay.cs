using System.Text.Json;
using Npgsql;

namespace Enrollment.Web.Features.Requests;

/// <summary>
/// Tells the other nodes on one PostgreSQL database of this node's request changes, and raises
/// theirs here: NOTIFY on a channel every node LISTENs on. A notification reaches listeners within
/// milliseconds, only after its sender's transaction (here: none, as the change is committed).
/// </summary>
public sealed partial class PostgreSqlRequestRelay(RequestEvents events, string connectionString, ILogger<PostgreSqlRequestRelay> logger)
    : BackgroundService
{
    public const string Channel = "enrollment_requests";

    /// <summary>Tells this node's own notifications apart from the others'.</summary>
    private readonly string node = Guid.NewGuid().ToString("N");

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Relayed = true;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await Task.WhenAll(ListenAsync(dataSource, stoppingToken), SendAsync(dataSource, stoppingToken));
    }

    private async Task ListenAsync(NpgsqlDataSource dataSource, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRelayFailed(e);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }

    private async Task SendAsync(NpgsqlDataSource dataSource, CancellationToken stoppingToken)
    {
        await foreach (var change in events.Outgoing.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var notify = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
                notify.Parameters.AddWithValue("channel", Channel);
                notify.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new RelayedChange(node, change)));
                await notify.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Lost for the other nodes' open pages, which show it at their next change or reload.
                LogRelayFailed(e);
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            if (JsonSerializer.Deserialize<RelayedChange>(payload) is { Change: { } change } relayed && relayed.Node != node)
            {
                events.Raise(change);
            }
        }
        catch (JsonException e)
        {
            // Someone else's NOTIFY on our channel: ignored, not a reason to drop the connection.
            LogRelayFailed(e);
        }
    }

    private sealed record RelayedChange(string Node, RequestChange Change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying request changes between nodes failed; retrying")]
    private partial void LogRelayFailed(Exception exception);
}
