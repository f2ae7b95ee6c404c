using Enrollment.Testing;
using Enrollment.Testing.Fuzzing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// A small seeded run of the fuzz harness (bench/fuzz.sh runs 20,000 inputs per parser): every
/// parser that takes outside input, fed mutants of valid samples, never crashes, never answers
/// with a 5xx, explains every refusal, and disagrees with BouncyCastle's reader of the same input
/// only in the ways KnownDisagreements explains.
/// </summary>
public sealed class FuzzTests(FuzzTests.Targets targets) : IClassFixture<FuzzTests.Targets>
{
    private const int Seed = 20261122;

    public static TheoryData<string, int> Runs => new()
    {
        { "csr-der", 600 },
        { "csr-pem", 600 },
        { "ocsp-request", 600 },
        { "forwarded-certificate-header", 600 },
        { "ca-import-pkcs12", 300 },
        { "ocsp-http-post", 300 },
        { "ocsp-http-get", 300 },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Parser_FedSeededMutants_NeverCrashes_ExplainsEveryRefusal_AndEveryDisagreementWithBouncyCastle(string target, int inputs)
    {
        var report = await FuzzCampaign.RunAsync(targets.ByName[target], inputs, Seed);

        Assert.Empty(report.Crashes);
        Assert.Empty(report.Unexplained);
        Assert.Equal(inputs, report.Accepted + report.Refused);
        // The mutants do break the samples: most are refused, so the parser is really exercised.
        Assert.True(report.Refused > inputs / 2, report.ToString());
    }

    /// <summary>The targets once per class: samples from OpenSSL, a CA, and a portal with public rate limits out of the way.</summary>
    public sealed class Targets : IAsyncLifetime
    {
        private readonly TemporaryDirectory files = new();
        private readonly TestAuthority authority = new();
        private RunningPortal portal = default!;
        private HttpClient client = default!;

        public IReadOnlyDictionary<string, FuzzTarget> ByName { get; private set; } = new Dictionary<string, FuzzTarget>();

        public async Task InitializeAsync()
        {
            portal = await RunningPortal.StartAsync("--Enrollment:RateLimits:PublicPerSecond=100000", "--Enrollment:RateLimits:PublicBurst=100000");
            client = new HttpClient { BaseAddress = portal.Http };
            var issuing = files.Write("portal-issuing.pem",
                portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().Issuing.ExportCertificatePem());
            ByName = FuzzTargets.Parsers(files, authority).Concat(FuzzTargets.OcspEndpoints(client, files, issuing)).ToDictionary(t => t.Name);
        }

        public async Task DisposeAsync()
        {
            client.Dispose();
            await portal.DisposeAsync();
            authority.Dispose();
            files.Dispose();
        }
    }
}
