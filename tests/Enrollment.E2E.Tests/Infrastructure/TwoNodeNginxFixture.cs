using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// Two portal nodes on one PostgreSQL database behind the shipped nginx template, its upstream
/// holding both: node A (<see cref="BrowserPortalFixture.Portal"/>) and node B, whose data directory
/// holds copies of A's CA, TLS and audit files, as an operator sets up a second node.
/// </summary>
public sealed class TwoNodeNginxFixture : NginxFrontFixture
{
    private readonly string[] database = PortalDatabases.PostgreSql();
    private readonly TemporaryDirectory nodeBDirectory = new();

    public RunningPortal NodeB { get; private set; } = default!;

    protected override string[] PortalSettings => [.. base.PortalSettings, .. database];

    protected override IEnumerable<string> MoreUpstreams => [$"127.0.0.1:{NodeB.Http.Port}"];

    protected override void ConfigurePortal(WebApplicationBuilder builder) => OpenedCircuits.AddTo(builder);

    /// <summary>How many circuits a node has opened so far.</summary>
    public static int CircuitsOpenedOn(RunningPortal node) => node.Services.GetRequiredService<OpenedCircuits>().Count;

    protected override async Task BeforeTheFrontStartsAsync()
    {
        foreach (var shared in new[] { "ca", "tls", "audit" })
        {
            TemporaryDirectory.Copy(Path.Combine(Portal.DataDirectory, shared), Path.Combine(nodeBDirectory.File("data"), shared));
        }
        NodeB = await RunningPortal.RestartAsync(nodeBDirectory, OpenedCircuits.AddTo, AllPortalSettings);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (NodeB is not null)
        {
            await NodeB.DisposeAsync();
        }
        nodeBDirectory.Dispose();
    }

    /// <summary>Counts the circuits a node opens: which node a browser's circuit reached.</summary>
    private sealed class OpenedCircuits : CircuitHandler
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public static void AddTo(WebApplicationBuilder builder)
        {
            builder.Services.AddSingleton<OpenedCircuits>();
            builder.Services.AddSingleton<CircuitHandler>(s => s.GetRequiredService<OpenedCircuits>());
        }

        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        }
    }
}
