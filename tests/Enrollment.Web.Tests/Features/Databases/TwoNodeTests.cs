using System.Net;
using Microsoft.EntityFrameworkCore;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Databases;

/// <summary>
/// Two portals on one PostgreSQL database, each with its own data directory (the CA's files copied,
/// as an operator sets up a second node): what one node sealed, the other opens.
/// </summary>
public sealed class TwoNodeTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task SessionCookieAndAntiforgeryToken_FromNodeA_AreAcceptedByNodeB()
    {
        var (a, b, directories) = await TwoNodesAsync();
        // Disposed in reverse: the nodes stop before their directories go.
        using var _ = directories;
        await using var nodeA = a;
        await using var nodeB = b;
        await PortalUsers.WithCertificateAsync(nodeA, "two-nodes@example.com", Password);
        using var onA = await PortalSession.SignInAsync(nodeA, "two-nodes@example.com", Password);
        var tokenFromA = await onA.AntiforgeryTokenOfAsync("account/manage");

        using var onB = PortalSession.WithCookies(nodeB, onA.CookieHeader);
        var profile = await onB.PageAsync("account/manage");
        // The profile form rendered by node A, posted to node B.
        using var saved = await onB.PostFormWithTokenAsync("account/manage", "profile", tokenFromA,
            new Dictionary<string, string> { ["Input.DisplayName"] = "Two Nodes" });

        Assert.Contains("two-nodes@example.com", profile, StringComparison.Ordinal);
        Assert.True(saved.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, saved.StatusCode.ToString());
        Assert.Contains("value=\"Two Nodes\"", await onA.PageAsync("account/manage"), StringComparison.Ordinal);
    }

    /// <summary>
    /// A revocation on node A reaches node B's OCSP cache through the revocation epoch in the shared
    /// database (read every second), though B had a signed "good" for the certificate in its cache.
    /// </summary>
    [Fact]
    public async Task RevocationOnNodeA_IsAnsweredAsRevokedByNodeB_WhoseCacheSaidGood()
    {
        var (nodeA, nodeB, directories) = await TwoNodesAsync();
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            var (_, certificate) = await PortalUsers.WithCertificateAsync(nodeA, "revoked-elsewhere@example.com", Password);
            var authority = nodeB.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
            var files = directories.Files;
            var issuing = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
            var chain = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
            var leaf = files.Write("leaf.pem", certificate.ExportCertificatePem());
            string OcspOnB() => OpenSsl.Run(files.Path, "ocsp", "-issuer", issuing, "-cert", leaf, "-CAfile", chain, "-no_nonce",
                "-url", new Uri(nodeB.Http, "pki/ocsp").AbsoluteUri).All;
            Assert.Contains(": good", OcspOnB(), StringComparison.Ordinal);

            await nodeA.Services.GetRequiredService<Web.Features.Certificates.RevocationService>().RevokeAsync(
                Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);

            var answer = OcspOnB();
            for (var attempt = 0; attempt < 50 && !answer.Contains(": revoked", StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(100);
                answer = OcspOnB();
            }
            Assert.Contains(": revoked", answer, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A revocation on node A publishes a CRL into the database; node B serves the same CRL and writes
    /// it into its own data directory (where its nginx's ssl_crl reads it) within a couple of seconds.
    /// </summary>
    [Fact]
    public async Task CrlPublishedOnNodeA_IsServedByNodeB_AndWrittenToItsDataDirectory()
    {
        var (nodeA, nodeB, directories) = await TwoNodesAsync();
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            var (_, certificate) = await PortalUsers.WithCertificateAsync(nodeA, "crl-elsewhere@example.com", Password);
            var serial = Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber);

            await nodeA.Services.GetRequiredService<Web.Features.Certificates.RevocationService>().RevokeAsync(
                serial, Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
            var published = nodeA.Services.GetRequiredService<CrlPublisher>().Current!;
            using var client = new HttpClient { BaseAddress = nodeB.Http };
            var served = await client.GetByteArrayAsync("pki/issuing.crl");
            for (var attempt = 0; attempt < 50 && !served.SequenceEqual(published.Der); attempt++)
            {
                await Task.Delay(100);
                served = await client.GetByteArrayAsync("pki/issuing.crl");
            }

            Assert.Equal(published.Der, served);
            Assert.Equal(published.Der, await File.ReadAllBytesAsync(Path.Combine(nodeB.DataDirectory, "ca", "issuing.crl")));
            var crl = directories.Files.Write("issuing.crl", served);
            Assert.Contains(serial, OpenSsl.Ok(directories.Files.Path, "crl", "-inform", "DER", "-in", crl, "-noout", "-text").Replace(":", ""),
                StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Both nodes find the CRL behind the revocations (recorded by an admin verb, say) at once: one of
    /// them publishes, under the publication lock; the other finds the new CRL current.
    /// </summary>
    [Fact]
    public async Task StaleCrl_FoundByBothNodesAtOnce_IsPublishedOnce()
    {
        var (nodeA, nodeB, directories) = await TwoNodesAsync();
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            var (_, certificate) = await PortalUsers.WithCertificateAsync(nodeA, "crl-once@example.com", Password);
            var factory = nodeA.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>();
            int Publications(Data.EnrollmentDbContext db) => db.AuditEvents.Count(e => e.EventType == "crl.published");
            await using var db = await factory.CreateDbContextAsync();
            var before = Publications(db);

            // Recorded without publishing; the nodes' own refresh (every second) races the calls below, under the same lock.
            await nodeA.Services.GetRequiredService<Data.Certificates.RevocationRecords>().RevokeAsync(
                Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
            var crls = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
                (i % 2 == 0 ? nodeA : nodeB).Services.GetRequiredService<CrlPublisher>().EnsureFreshAsync(default))));

            Assert.Equal(before + 1, Publications(db));
            Assert.Single(crls.Select(c => c.Info.Number).Distinct());
            Assert.Equal(crls[0].Info.Number, (await db.CrlPublications.SingleAsync()).Number);
        }
    }

    /// <summary>
    /// A request submitted and approved on node A reaches the open pages of node B (their
    /// <see cref="RequestEvents"/>), through LISTEN/NOTIFY or through the poll; node A raises each of
    /// its own changes once, not again when the relay brings it back.
    /// </summary>
    [Theory]
    [InlineData("Listen")]
    [InlineData("Poll")]
    public async Task RequestChangesOnNodeA_ReachTheOpenPagesOfNodeB_OnceEach(string notifications)
    {
        var (nodeA, nodeB, directories) = await TwoNodesAsync("--Enrollment:Database:Notifications=" + notifications);
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            var onA = new System.Collections.Concurrent.ConcurrentQueue<RequestChange>();
            var onB = new System.Collections.Concurrent.ConcurrentQueue<RequestChange>();
            nodeA.Services.GetRequiredService<RequestEvents>().Changed += onA.Enqueue;
            nodeB.Services.GetRequiredService<RequestEvents>().Changed += onB.Enqueue;
            // The relays have started listening (or read what existed) once a first change goes round.
            await RequestFlow.SubmitAsync(nodeA, (await RequestFlow.RequesterAsync(nodeA)).Principal);
            await WaitUntilAsync(() => !onB.IsEmpty);
            onA.Clear();
            onB.Clear();

            var (requester, user) = await RequestFlow.RequesterAsync(nodeA);
            var id = await RequestFlow.ApprovedRequestAsync(nodeA, requester);
            await WaitUntilAsync(() => onB.Contains(new RequestChange(id, user.Id, RequestState.Approved)));
            await Task.Delay(PollingRequestRelay.Interval * 2);

            var seenOnB = onB.Where(c => c.RequestId == id).Select(c => c.State).ToList();
            // A poll sees the state at that moment: a request submitted and approved between two polls arrives approved.
            Assert.Equal(notifications == "Listen" ? [RequestState.Pending, RequestState.Approved] : seenOnB.Distinct().ToList(), seenOnB);
            Assert.Equal(RequestState.Approved, seenOnB[^1]);
            Assert.Equal([RequestState.Pending, RequestState.Approved], onA.Where(c => c.RequestId == id).Select(c => c.State));
        }
    }

    /// <summary>
    /// The race campaign with its actors spread over two nodes: exactly one decision and at most one
    /// certificate per request every round. ENROLLMENT_RACE_ROUNDS sets the rounds (bench/README.md runs 200).
    /// </summary>
    [Fact]
    public async Task RaceCampaign_AcrossTwoNodes_LeavesOneDecisionAndOneCertificate_EveryRound()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("ENROLLMENT_RACE_ROUNDS"), out var configured) ? configured : 10;
        var (nodeA, nodeB, directories) = await TwoNodesAsync();
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            IServiceProvider[] nodes = [nodeA.Services, nodeB.Services];

            var decisions = await Testing.Races.RaceCampaign.DecisionsAsync(nodes, rounds);
            var pickups = await Testing.Races.RaceCampaign.PickupsAsync(nodes, rounds);

            Assert.Empty(decisions.Violations);
            Assert.Empty(pickups.Violations);
            Assert.Equal(rounds, decisions.Rounds);
            Assert.Equal(rounds, pickups.Rounds);
            Console.WriteLine($"two nodes: {decisions}; {pickups}");
        }
    }

    /// <summary>
    /// Node B starting while node A is between an issuance's intent and its certificate leaves A's
    /// intent alone: start-up recovery on a server abandons only intents older than the grace.
    /// </summary>
    [Fact]
    public async Task NodeStarting_WhileAnotherIsIssuing_LeavesTheOthersFreshIntent()
    {
        var serial = Ca.Serials.SerialNumber.ToCanonical(Ca.Serials.SerialNumber.Create());
        var (nodeA, nodeB, directories) = await TwoNodesAsync(async a =>
        {
            var (_, user) = await RequestFlow.RequesterAsync(a);
            await using var db = await a.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>().CreateDbContextAsync();
            db.Certificates.Add(new IssuedCertificate
            {
                SerialNumber = serial, IssuerKeyId = a.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().IssuerKeyId, UserId = user.Id,
                Profile = "privileged-access", SubjectDn = "CN=in flight", PublicKeySha256 = "00", NotBefore = DateTime.UtcNow,
                NotAfter = DateTime.UtcNow.AddDays(30), State = IssuanceState.Intent, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        });
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            await using var db = await nodeB.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>().CreateDbContextAsync();

            Assert.Equal(IssuanceState.Intent, (await db.Certificates.SingleAsync(c => c.SerialNumber == serial)).State);
            Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.EventType == "certificate.abandoned"));
        }
    }

    /// <summary>Two nodes starting together on a new database: one creates the bootstrap administrator, the other finds it (it threw "already taken").</summary>
    [Fact]
    public async Task BootstrapAdmin_OnTwoNodesAtOnce_IsCreatedOnce_AndNeitherFails()
    {
        var (nodeA, nodeB, directories) = await TwoNodesAsync();
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            await using (var scope = nodeA.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<EnrollmentUser>>();
                // As on a new database: the administrator the first start made is gone.
                Assert.True((await users.DeleteAsync((await users.FindByEmailAsync(Web.Features.Account.BootstrapAdmin.DefaultEmail))!)).Succeeded);
            }
            var consoles = new[] { new StringWriter(), new StringWriter() };

            await Task.WhenAll(new[] { nodeA, nodeB }.Select((node, i) => Task.Run(() => Web.Features.Account.BootstrapAdmin.EnsureAsync(node.Services, consoles[i]))));

            await using var check = nodeB.Services.CreateAsyncScope();
            var admins = await check.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<EnrollmentUser>>().GetUsersInRoleAsync(Web.Shared.Roles.Admin);
            Assert.Single(admins);
            Assert.Single(consoles, console => console.ToString().Contains("bootstrap administrator created", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The OCSP signer falling due on both nodes at once is renewed by one; the other adopts that
    /// signer, so both answer with it (each renewed its own before, and audited it twice).
    /// </summary>
    [Fact]
    public async Task OcspSignerDue_OnBothNodesAtOnce_IsRenewedOnce_AndBothSignWithTheNewSigner()
    {
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        var (nodeA, nodeB, directories) = await TwoNodesAsync(_ => Task.CompletedTask, clock);
        using (directories)
        await using (nodeA)
        await using (nodeB)
        {
            Ca.Authority.CertificateAuthority Authority(RunningPortal node) => node.Services.GetRequiredService<Ca.Authority.CertificateAuthority>();
            var original = Authority(nodeA).OcspSigner;
            await using var db = await nodeA.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>().CreateDbContextAsync();
            clock.Now = new DateTimeOffset(original.NotAfter.ToUniversalTime()) - TimeSpan.FromDays(1);

            await Task.WhenAll(new[] { nodeA, nodeB }.Select(node => Task.Run(() => node.Services.GetRequiredService<CaRenewal>().RenewDueAsync(default))));

            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "ca.ocsp-signer-renewed"));
            Assert.NotEqual(original.Thumbprint, Authority(nodeA).OcspSigner.Thumbprint);
            Assert.Equal(Authority(nodeA).OcspSigner.Thumbprint, Authority(nodeB).OcspSigner.Thumbprint);
            // Kept in each node's data directory too, for its next start.
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(nodeA.DataDirectory, "ca", "ocsp.crt")),
                await File.ReadAllTextAsync(Path.Combine(nodeB.DataDirectory, "ca", "ocsp.crt")));
        }
    }

    /// <summary>Waits up to 10 s: a bound on a slow machine, not the behaviour (which takes milliseconds, or one poll).</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; waited < 100 && !condition(); waited++)
        {
            await Task.Delay(100);
        }
        Assert.True(condition());
    }

    /// <summary>What a dump of the database holds of the ring in the production configuration: sealed keys only.</summary>
    [Fact]
    public async Task KeyRingInTheDatabase_InProduction_HoldsOnlySealedKeys()
    {
        await using var portal = await RunningPortal.StartAsync(
            [.. PortalDatabases.PostgreSql(), "--environment=Production", "--Enrollment:Ca:KeyPassphrase=a passphrase outside the database"]);
        await PortalUsers.WithCertificateAsync(portal, "sealed-ring@example.com", Password);
        using (await PortalSession.SignInAsync(portal, "sealed-ring@example.com", Password))
        {
        }

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains("sealedSecret scheme=\"passphrase-aes-gcm\"", key.Xml, StringComparison.Ordinal));
        Assert.All(keys, key => Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(portal.DataDirectory, "keys")) && Directory.GetFiles(Path.Combine(portal.DataDirectory, "keys")).Length > 0);
    }

    /// <summary>The data directories of two nodes, and a place for the test's own files.</summary>
    private sealed class NodeDirectories : IDisposable
    {
        public TemporaryDirectory A { get; } = new();

        public TemporaryDirectory B { get; } = new();

        public TemporaryDirectory Files { get; } = new();

        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
            Files.Dispose();
        }
    }

    /// <summary>Node A on a new database; node B on the same one, its data directory holding copies of A's CA, TLS and audit files.</summary>
    private static Task<(RunningPortal A, RunningPortal B, NodeDirectories Directories)> TwoNodesAsync(params string[] settings) =>
        TwoNodesAsync(_ => Task.CompletedTask, settings);

    /// <summary>As above, with <paramref name="beforeNodeB"/> run on node A before node B starts, and both on <paramref name="clock"/> when given.</summary>
    private static async Task<(RunningPortal A, RunningPortal B, NodeDirectories Directories)> TwoNodesAsync(
        Func<RunningPortal, Task> beforeNodeB, params string[] settings) => await TwoNodesAsync(beforeNodeB, TimeProvider.System, settings);

    private static async Task<(RunningPortal A, RunningPortal B, NodeDirectories Directories)> TwoNodesAsync(
        Func<RunningPortal, Task> beforeNodeB, TimeProvider clock, params string[] settings)
    {
        string[] database = [.. PortalDatabases.PostgreSql(), .. settings];
        var directories = new NodeDirectories();
        var nodeA = await RunningPortal.RestartAsync(directories.A, clock, database);
        await beforeNodeB(nodeA);
        foreach (var shared in new[] { "ca", "tls", "audit" })
        {
            TemporaryDirectory.Copy(Path.Combine(nodeA.DataDirectory, shared), Path.Combine(directories.B.File("data"), shared));
        }
        return (nodeA, await RunningPortal.RestartAsync(directories.B, clock, database), directories);
    }
}
