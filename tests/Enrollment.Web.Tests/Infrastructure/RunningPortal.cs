using System.Net;
using Enrollment.Testing;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>
/// The portal on real Kestrel, bound to 127.0.0.1 on free ports over HTTP and HTTPS, with its own
/// data directory: what OpenSSL and curl-like clients talk to in these tests.
/// </summary>
public sealed class RunningPortal : IAsyncDisposable
{
    private readonly bool ownsDirectory;

    private RunningPortal(WebApplication app, TemporaryDirectory directory, TextWriter console, bool ownsDirectory)
    {
        this.ownsDirectory = ownsDirectory;
        App = app;
        Directory = directory;
        Console = console;
        // A Unix socket address (http://unix:/path, the Apache front's way in) is neither of these.
        var addresses = app.Urls.Where(a => !a.StartsWith("http://unix:", StringComparison.Ordinal)).ToList();
        Http = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal)));
        Https = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal)));
    }

    public WebApplication App { get; }

    public TemporaryDirectory Directory { get; }

    public TextWriter Console { get; }

    public Uri Http { get; }

    public Uri Https { get; }

    public string DataDirectory => Directory.File("data");

    public IServiceProvider Services => App.Services;

    public static Task<RunningPortal> StartAsync(params string[] settings) =>
        StartAsync(new TemporaryDirectory(), ownsDirectory: true, settings);

    /// <summary>A new portal with the host's services adjusted (a test's own circuit handler, say).</summary>
    public static Task<RunningPortal> StartAsync(Action<WebApplicationBuilder>? configure, params string[] settings) =>
        StartAsync(new TemporaryDirectory(), ownsDirectory: true, settings, configure);

    /// <summary>A portal on an existing directory (a restart); the caller keeps the directory.</summary>
    public static Task<RunningPortal> RestartAsync(TemporaryDirectory directory, params string[] settings) =>
        StartAsync(directory, ownsDirectory: false, settings);

    /// <summary>A restart with the host's services adjusted (a fixed clock, an injected fault).</summary>
    public static Task<RunningPortal> RestartAsync(TemporaryDirectory directory, Action<WebApplicationBuilder> configure, params string[] settings) =>
        StartAsync(directory, ownsDirectory: false, settings, configure);

    /// <summary>A restart whose services all read the given clock.</summary>
    public static Task<RunningPortal> RestartAsync(TemporaryDirectory directory, TimeProvider clock, params string[] settings) =>
        RestartAsync(directory, builder => builder.Services.Replace(ServiceDescriptor.Singleton(clock)), settings);

    private static async Task<RunningPortal> StartAsync(TemporaryDirectory directory, bool ownsDirectory, string[] settings, Action<WebApplicationBuilder>? configure = null)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            $"--Enrollment:DataDirectory={directory.File("data")}",
            "--Enrollment:PublicBaseUrl=http://127.0.0.1/",
            "--Logging:LogLevel:Default=Warning",
            .. DatabaseOf(directory, settings),
            .. settings,
        ];
        var app = EnrollmentHost.Build(args, configure);
        await StartupInitializer.InitializeAsync(app.Services);
        var console = new StringWriter();
        await BootstrapAdmin.EnsureAsync(app.Services, console);
        await app.StartAsync();
        return new RunningPortal(app, directory, console, ownsDirectory);
    }

    /// <summary>
    /// The variable that runs every portal of a test run on the tests' PostgreSQL (test.sh's second
    /// pass over Enrollment.Web.Tests) instead of SQLite, unless a test chose its database itself.
    /// </summary>
    public const string DatabaseVariable = "ENROLLMENT_TEST_DATABASE";

    /// <summary>The database of each data directory in the PostgreSQL pass: a restart finds the records (and the key ring) it left.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TemporaryDirectory, string[]> Databases = [];

    private static string[] DatabaseOf(TemporaryDirectory directory, string[] settings) =>
        Environment.GetEnvironmentVariable(DatabaseVariable) == "PostgreSql"
        && !settings.Any(s => s.StartsWith("--Enrollment:Database:", StringComparison.Ordinal))
            ? Databases.GetValue(directory, _ => PortalDatabases.PostgreSql())
            : [];

    /// <summary>A client that trusts the development TLS certificate and does not follow redirects.</summary>
    public HttpClient Client() => new(new HttpClientHandler
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    });

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownsDirectory)
        {
            Directory.Dispose();
        }
    }

    public static bool IsRedirect(HttpStatusCode code) => code is HttpStatusCode.TemporaryRedirect or HttpStatusCode.Redirect;
}

/// <summary>The settings that put a portal's records on a new database of the tests' PostgreSQL.</summary>
public static class PortalDatabases
{
    /// <summary>Pins a test to SQLite: it works on the data directory's database file itself.</summary>
    public const string SqliteFile = "--Enrollment:Database:Provider=Sqlite";

    /// <summary>The settings for a test that runs on each provider: SQLite pinned, or a new PostgreSQL database.</summary>
    public static string[] For(Data.DatabaseProvider provider) => provider == Data.DatabaseProvider.PostgreSql ? PostgreSql() : [SqliteFile];

    public static string[] PostgreSql() =>
        ["--Enrollment:Database:Provider=PostgreSql", $"--Enrollment:Database:ConnectionString={PostgresServer.NewDatabase()}"];
}
