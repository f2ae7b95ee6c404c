using System.Net;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>The review's lower findings at sign-in: account probing by timing, recovery-code guessing, return addresses.</summary>
public sealed class SignInHardeningTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task SignIn_ForAnUnknownAccount_VerifiesAPasswordHashLikeAKnownOne()
    {
        using var directory = new TemporaryDirectory();
        var hasher = new CountingHasher();
        await using var portal = await RunningPortal.RestartAsync(directory,
            builder => builder.Services.Replace(ServiceDescriptor.Singleton<IPasswordHasher<EnrollmentUser>>(hasher)));
        await PortalUsers.WithCertificateAsync(portal, "known@example.com", Password);
        hasher.Verifications = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => PortalSession.SignInAsync(portal, "known@example.com", "a wrong password, long enough"));
        var known = hasher.Verifications;
        await Assert.ThrowsAsync<InvalidOperationException>(() => PortalSession.SignInAsync(portal, "nobody@example.com", "a wrong password, long enough"));

        // The time a sign-in takes is the hash's: the same work whether or not the account exists.
        Assert.Equal(1, known);
        Assert.Equal(2, hasher.Verifications);
    }

    /// <summary>The lockout page must not tell which accounts exist either.</summary>
    [Fact]
    public async Task FiveWrongPasswords_ForAnUnknownAccount_LookLockedOutLikeAKnownOne()
    {
        // Twelve sign-in posts from one address: past the default rate limit, which is not what this is about.
        await using var portal = await RunningPortal.StartAsync("--Enrollment:RateLimits:SignInPerMinute=1000");
        var known = $"known-{Guid.NewGuid():N}@example.com";
        await PortalUsers.WithCertificateAsync(portal, known, Password);
        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";

        var answers = new Dictionary<string, List<string?>>();
        foreach (var email in new[] { known, unknown })
        {
            using var session = PortalSession.Anonymous(portal);
            answers[email] = [];
            for (var attempt = 0; attempt < 6; attempt++)
            {
                using var response = await session.PostFormAsync("account/login", "login",
                    new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = "a wrong password, long enough" });
                answers[email].Add(response.Headers.Location?.AbsolutePath);
            }
        }

        Assert.Equal(answers[known], answers[unknown]);
        Assert.Equal("/account/lockout", answers[unknown][^1]);
    }

    [Fact]
    public async Task WrongRecoveryCodes_CountTowardsLockout()
    {
        var email = $"recovery-{Guid.NewGuid():N}@example.com";
        var (user, _) = await PortalUsers.WithCertificateAsync(fixture.Portal, email, Password);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            await users.SetTwoFactorEnabledAsync(stored, true);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 10);
        }
        using var session = await PortalSession.SignInAsync(fixture.Portal, email, Password);

        var answers = new List<string?>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var response = await session.PostFormAsync("account/login-recovery", "login-recovery", new Dictionary<string, string> { ["Input.Code"] = "WRONG-CODE" });
            answers.Add(response.Headers.Location?.AbsolutePath);
        }

        await using var check = fixture.Portal.Services.CreateAsyncScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.True(await manager.IsLockedOutAsync((await manager.FindByIdAsync(user.Id))!));
        Assert.Equal("/account/lockout", answers[^1]);
    }

    [Theory]
    [InlineData("culture/en?returnUrl=/%5Cevil.example")]
    [InlineData("culture/en?returnUrl=https://evil.example/")]
    [InlineData("culture/ja?returnUrl=//evil.example")]
    public async Task CultureSwitch_WithAReturnAddressElsewhere_GoesHome(string path)
    {
        using var client = fixture.Portal.Client();

        using var response = await client.GetAsync(new Uri(fixture.Portal.Https, path));

        Assert.True(RunningPortal.IsRedirect(response.StatusCode), $"{(int)response.StatusCode}");
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    public async Task SignIn_WithAReturnAddressElsewhere_GoesHome(string returnUrl)
    {
        var email = $"return-{Guid.NewGuid():N}@example.com";
        await PortalUsers.WithCertificateAsync(fixture.Portal, email, Password);
        using var session = PortalSession.Anonymous(fixture.Portal);

        using var response = await session.PostFormAsync($"account/login?returnUrl={Uri.EscapeDataString(returnUrl)}", "login",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(fixture.Portal.Https.Authority, new Uri(fixture.Portal.Https, response.Headers.Location!).Authority);
        Assert.Equal("/", new Uri(fixture.Portal.Https, response.Headers.Location!).AbsolutePath);
    }

    private sealed class CountingHasher : IPasswordHasher<EnrollmentUser>
    {
        private readonly PasswordHasher<EnrollmentUser> inner = new();

        public int Verifications;

        public string HashPassword(EnrollmentUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(EnrollmentUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref Verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
