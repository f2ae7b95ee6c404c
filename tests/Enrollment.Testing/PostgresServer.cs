using Npgsql;

namespace Enrollment.Testing;

/// <summary>
/// The tests' PostgreSQL: the cluster ./test.sh started (ENROLLMENT_TEST_POSTGRES), or else one this
/// process starts with the same script and stops when it exits. Each caller gets a database of its own.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "ENROLLMENT_TEST_POSTGRES";

    private static readonly Lazy<string> Server = new(() =>
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return given;
        }
        var directory = Path.Combine(Path.GetTempPath(), $"enrollment-postgres-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var script = Path.Combine(Repository.Root, "tests", "postgres-cluster.sh");
        var started = Command.Run(script, Repository.Root, "start", directory);
        if (started.ExitCode != 0)
        {
            throw new InvalidOperationException($"The test PostgreSQL did not start: {started.All}");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Command.Run(script, Repository.Root, "stop", directory);
        return started.Output.Trim();
    });

    /// <summary>A new, empty database; its connection string.</summary>
    public static string NewDatabase()
    {
        var name = $"enrollment_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(Server.Value + ";Database=postgres;Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }
        return $"{Server.Value};Database={name};Maximum Pool Size=20";
    }
}
