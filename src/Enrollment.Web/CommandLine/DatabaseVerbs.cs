using System.CommandLine;
using Enrollment.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Enrollment.Web.CommandLine;

/// <summary>
/// <c>db migrate</c> and <c>db script</c>: the schema changed by an operator or a DBA rather than
/// by the portal at start (Enrollment:Database:MigrateOnStart=false). Both act on the database the
/// configuration names (Enrollment:Database, best given in the environment) and nothing else:
/// no CA is loaded and nothing is audited, as the schema may not hold the audit log yet.
/// </summary>
internal static class DatabaseVerbs
{
    public static Command Create()
    {
        var migrate = new Command("migrate", "Apply the migrations the database lacks, then exit.");
        migrate.SetAction((parsed, _) => WithDatabaseAsync(parsed, async (db, output) =>
        {
            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            await db.Database.MigrateAsync();
            await output.WriteLineAsync(pending.Count == 0
                ? "The database is up to date."
                : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}.");
        }));
        var outFile = new Option<string?>("--out") { Description = "Write the script to this file instead of the output" };
        var script = new Command("script", "Print the SQL that brings any earlier schema of this provider up to date (idempotent on servers), for a DBA to run.") { outFile };
        script.SetAction((parsed, _) => WithDatabaseAsync(parsed, async (db, output) =>
        {
            // SQLite has no idempotent scripts (no procedural SQL); its file is migrated by the portal or 'db migrate'.
            var options = db.Database.IsSqlite() ? MigrationsSqlGenerationOptions.Default : MigrationsSqlGenerationOptions.Idempotent;
            var sql = db.GetService<IMigrator>().GenerateScript(options: options);
            if (parsed.GetValue(outFile) is { } path)
            {
                await File.WriteAllTextAsync(path, sql);
                await output.WriteLineAsync($"Wrote the migration script to {path}.");
            }
            else
            {
                await output.WriteAsync(sql);
            }
        }));
        return new Command("db", "The portal's database schema.") { migrate, script };
    }

    private static async Task<int> WithDatabaseAsync(ParseResult parsed, Func<EnrollmentDbContext, TextWriter, Task> verb)
    {
        await using var app = AdminCommandLine.BuildHost(parsed);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            await verb(scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>(), parsed.InvocationConfiguration.Output);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.Data.Common.DbException)
        {
            return await AdminCommandLine.FailAsync(parsed.InvocationConfiguration.Error, e.Message);
        }
    }
}
