using System.Net;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// Sessions end on the server, as the security review demanded: a cookie copied before sign-out is
/// worth nothing after it, sign-out needs the page's antiforgery token, and every session ends at
/// its idle timeout and at its absolute lifetime.
/// </summary>
public sealed class SessionEndTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task CookieCopiedBeforeSignOut_ReplayedAfterIt_SignsNobodyIn()
    {
        var email = $"replay-{Guid.NewGuid():N}@example.com";
        await PortalUsers.WithCertificateAsync(fixture.Portal, email, Password);
        using var victim = await PortalSession.SignInAsync(fixture.Portal, email, Password);
        var copied = victim.CookieHeader;

        using var signOut = await victim.SignOutAsync();
        using var attacker = PortalSession.WithCookies(fixture.Portal, copied);
        using var replayed = await attacker.GetAsync("account/manage");

        Assert.True(RunningPortal.IsRedirect(signOut.StatusCode));
        Assert.True(RunningPortal.IsRedirect(replayed.StatusCode), $"the replayed cookie got {(int)replayed.StatusCode}");
        Assert.Equal("/account/login", replayed.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task SignOut_WithoutTheAntiforgeryToken_IsRefusedAndTheSessionStays()
    {
        var email = $"csrf-{Guid.NewGuid():N}@example.com";
        await PortalUsers.WithCertificateAsync(fixture.Portal, email, Password);
        using var session = await PortalSession.SignInAsync(fixture.Portal, email, Password);

        using var forged = await session.SignOutAsync(withAntiforgeryToken: false);
        using var after = await session.GetAsync("account/manage");

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Session_IdleLongerThanTheTimeout_Ends()
    {
        using var directory = new TemporaryDirectory();
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        await using var portal = await RunningPortal.RestartAsync(directory, clock, "--Enrollment:Sessions:IdleTimeoutMinutes=30");
        await PortalUsers.WithCertificateAsync(portal, "idle@example.com", Password);
        using var session = await PortalSession.SignInAsync(portal, "idle@example.com", Password);

        clock.Advance(TimeSpan.FromMinutes(20));
        using var active = await session.GetAsync("account/manage");
        clock.Advance(TimeSpan.FromMinutes(31));
        using var idle = await session.GetAsync("account/manage");

        Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        Assert.Equal("/account/login", idle.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task Session_ActiveThroughItsAbsoluteLifetime_EndsAtIt()
    {
        using var directory = new TemporaryDirectory();
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        await using var portal = await RunningPortal.RestartAsync(directory, clock,
            "--Enrollment:Sessions:IdleTimeoutMinutes=60", "--Enrollment:Sessions:AbsoluteLifetimeHours=2");
        await PortalUsers.WithCertificateAsync(portal, "busy@example.com", Password);
        using var session = await PortalSession.SignInAsync(portal, "busy@example.com", Password);

        // Active every 50 minutes, inside the idle timeout: at 50 and 100 minutes, then at 125.
        clock.Advance(TimeSpan.FromMinutes(50));
        using var at50 = await session.GetAsync("account/manage");
        clock.Advance(TimeSpan.FromMinutes(50));
        using var at100 = await session.GetAsync("account/manage");
        clock.Advance(TimeSpan.FromMinutes(25));
        using var at125 = await session.GetAsync("account/manage");

        Assert.Equal(HttpStatusCode.OK, at50.StatusCode);
        Assert.Equal(HttpStatusCode.OK, at100.StatusCode);
        Assert.Equal("/account/login", at125.Headers.Location?.AbsolutePath);
    }
}
