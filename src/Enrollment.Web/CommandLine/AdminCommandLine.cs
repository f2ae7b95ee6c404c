using System.CommandLine;
using Enrollment.Data;
using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.CommandLine;

/// <summary>
/// Admin verbs of the web executable (docs/design.md, "Admin command line"): scriptable operations on
/// the same data directory as the portal. Each prints a clear error and exits non-zero on bad input.
/// </summary>
public static class AdminCommandLine
{
    private static readonly string[] Verbs = ["ca", "users", "requests", "certs", "crl", "audit", "backup", "restore", "db"];

    /// <summary>Exit code for input the verb refused (parse errors use System.CommandLine's 1 as well).</summary>
    public const int Refused = 1;

    /// <summary>The directory every verb works on; overrides Enrollment:DataDirectory.</summary>
    internal static readonly Option<string?> DataDirectory = new("--data-dir")
    {
        Description = "The data directory (default: Enrollment:DataDirectory, or ./data)",
        Recursive = true,
    };

    public static bool IsAdminVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Enrollment admin verbs. Without a verb the executable runs the portal.")
        {
            CaVerbs.Create(), UserVerbs.Create(), RequestVerbs.Create(), CertificateVerbs.Create(), CrlVerbs.Create(), AuditVerbs.Create(), DatabaseVerbs.Create(),
        };
        foreach (var verb in BackupVerbs.Create())
        {
            root.Subcommands.Add(verb);
        }
        root.Options.Add(DataDirectory);
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>Builds the services on the chosen data directory and runs a verb with them.</summary>
    /// <param name="services">The portal's services a verb needs beyond the common ones (the request workflow, say).</param>
    internal static async Task<int> WithServicesAsync(ParseResult parsed, bool provisionCa, Func<IServiceProvider, TextWriter, TextWriter, Task<int>> verb,
        Action<WebApplicationBuilder>? services = null)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        await using var app = BuildHost(parsed, services);
        try
        {
            if (provisionCa)
            {
                await StartupInitializer.InitializeAsync(app.Services);
            }
            else
            {
                await StartupInitializer.InitializeDatabaseAsync(app.Services);
            }
            var result = await verb(app.Services, output, error);
            if (provisionCa)
            {
                // What the verb appended to the audit log is anchored before the process ends.
                await using var db = await app.Services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync();
                await app.Services.GetRequiredService<AuditAnchor>().CheckpointAsync(db);
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException
                                     or Features.Backup.BackupException
                                     or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Refused;
        }
    }

    /// <summary>The portal's services on the chosen data directory, not started.</summary>
    internal static WebApplication BuildHost(ParseResult parsed, Action<WebApplicationBuilder>? services = null)
    {
        var hostArgs = parsed.GetValue(DataDirectory) is { } directory ? new[] { $"--Enrollment:DataDirectory={directory}" } : [];
        var builder = EnrollmentHost.CreateBuilder(hostArgs);
        services?.Invoke(builder);
        // Verbs print their own results; only warnings and errors from the services belong beside them.
        builder.Logging.AddFilter((_, _, level) => level >= LogLevel.Warning);
        return builder.Build();
    }

    internal static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"error: {message}");
        return Refused;
    }

    /// <summary>Records what a verb did in the audit log and anchors the head at once (a verb may end the process next).</summary>
    internal static async Task AuditAsync(IServiceProvider services, string action, string target, string detail)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync();
        await services.GetRequiredService<AuditTrail>().AppendAsync(db, new AuditEntry(Actor, action, target, detail));
        await services.GetRequiredService<AuditAnchor>().CheckpointAsync(db);
    }

    /// <summary>The operator as recorded in the audit log.</summary>
    internal static string Actor => $"cli:{Environment.UserName}";
}
