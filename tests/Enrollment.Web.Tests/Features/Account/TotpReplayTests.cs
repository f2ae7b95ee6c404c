using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Account;

public sealed class TotpReplayTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Verify_SameCodeByTenSignInsAtOnce_IsAcceptedExactlyOnce()
    {
        var (user, key) = await UserWithAuthenticatorAsync("race@example.com");
        var code = Totp.Code(Totp.DecodeBase32(key), Totp.StepAt(DateTimeOffset.UtcNow) + 1).ToString("D6");

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            await using var scope = fixture.Portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var fresh = (await users.FindByIdAsync(user.Id))!;
            return await users.VerifyTwoFactorTokenAsync(fresh, users.Options.Tokens.AuthenticatorTokenProvider, code);
        })));

        Assert.Single(results, accepted => accepted);
    }

    [Fact]
    public async Task Verify_OlderStepAfterANewerOne_IsRefused()
    {
        var (user, key) = await UserWithAuthenticatorAsync("older@example.com");
        var secret = Totp.DecodeBase32(key);
        var now = Totp.StepAt(DateTimeOffset.UtcNow);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var provider = users.Options.Tokens.AuthenticatorTokenProvider;

        Assert.True(await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(secret, now + 1).ToString("D6")));
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(secret, now).ToString("D6")));
        Assert.False(await users.VerifyTwoFactorTokenAsync(user, provider, Totp.Code(secret, now + 1).ToString("D6")));
    }

    [Fact]
    public async Task Verify_CodeFromTwoStepsAway_IsRefused()
    {
        var (user, key) = await UserWithAuthenticatorAsync("drift@example.com");
        var far = Totp.Code(Totp.DecodeBase32(key), Totp.StepAt(DateTimeOffset.UtcNow) + 3).ToString("D6");
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();

        Assert.False(await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, far));
    }

    private async Task<(EnrollmentUser User, string Key)> UserWithAuthenticatorAsync(string email)
    {
        var user = await fixture.AddUserAsync(email, "T-" + Guid.NewGuid().ToString("N")[..8]);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        await users.ResetAuthenticatorKeyAsync(stored);
        await users.SetTwoFactorEnabledAsync(stored, true);
        return (stored, (await users.GetAuthenticatorKeyAsync(stored))!);
    }
}
