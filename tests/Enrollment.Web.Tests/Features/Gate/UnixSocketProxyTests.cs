using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Gate;

/// <summary>
/// Apache's way in: the portal's Unix socket. With UnixSocketProxy on, headers that arrive on the
/// socket are believed (and the certificate verified again); over TCP, or on a socket not declared
/// the proxy's, they are dropped.
/// </summary>
public sealed class UnixSocketProxyTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly TemporaryDirectory sockets = new();
    private RunningPortal trusting = default!;
    private RunningPortal undeclared = default!;

    public async Task InitializeAsync()
    {
        trusting = await RunningPortal.StartAsync(
            $"--urls=http://127.0.0.1:0;https://127.0.0.1:0;http://unix:{sockets.File("trusting.sock")}",
            "--Enrollment:ClientCertificates:Mode=Proxy", "--Enrollment:ClientCertificates:UnixSocketProxy=true");
        undeclared = await RunningPortal.StartAsync(
            $"--urls=http://127.0.0.1:0;https://127.0.0.1:0;http://unix:{sockets.File("undeclared.sock")}",
            "--Enrollment:ClientCertificates:Mode=Proxy", "--Enrollment:ClientCertificates:KnownProxies:0=127.0.0.2");
    }

    [Fact]
    public async Task OwnCertificate_ForwardedOnTheProxysSocket_IsAccepted()
    {
        var (user, certificate) = await PortalUsers.WithCertificateAsync(trusting, "socket-own@example.com", Password);
        using var session = await PortalSession.SignInAsync(trusting, user.Email!, Password, unixSocket: sockets.File("trusting.sock"));

        Assert.Equal("None", await session.CertificateVerdictAsync(PortalSession.ForwardedCertificate(certificate)));
    }

    [Fact]
    public async Task OwnCertificate_ForwardedOverTcpFromLoopback_IsIgnored()
    {
        var (user, certificate) = await PortalUsers.WithCertificateAsync(trusting, "socket-tcp@example.com", Password);
        using var session = await PortalSession.SignInAsync(trusting, user.Email!, Password);

        Assert.Equal("NoCertificate", await session.CertificateVerdictAsync(PortalSession.ForwardedCertificate(certificate)));
    }

    [Fact]
    public async Task OwnCertificate_ForwardedOnASocketNotDeclaredTheProxys_IsIgnored()
    {
        var (user, certificate) = await PortalUsers.WithCertificateAsync(undeclared, "socket-undeclared@example.com", Password);
        using var session = await PortalSession.SignInAsync(undeclared, user.Email!, Password, unixSocket: sockets.File("undeclared.sock"));

        Assert.Equal("NoCertificate", await session.CertificateVerdictAsync(PortalSession.ForwardedCertificate(certificate)));
    }

    [Fact]
    public async Task SocketLeftByAKilledPortal_DoesNotStopTheNextStart()
    {
        var path = sockets.File("stale.sock");
        // A socket file nobody listens on, as after kill -9 (.NET's own sockets remove theirs on dispose).
        Assert.Equal(0, Command.Run("python3", sockets.Path, "-c", $"import socket; socket.socket(socket.AF_UNIX).bind('{path}')").ExitCode);
        Assert.True(File.Exists(path));

        await using var restarted = await RunningPortal.StartAsync($"--urls=http://127.0.0.1:0;https://127.0.0.1:0;http://unix:{path}",
            "--Enrollment:ClientCertificates:Mode=Proxy", "--Enrollment:ClientCertificates:UnixSocketProxy=true");

        using var session = PortalSession.Anonymous(restarted, unixSocket: path);
        using var answer = await session.GetAsync("account/login");
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await trusting.DisposeAsync();
        await undeclared.DisposeAsync();
        sockets.Dispose();
    }
}
