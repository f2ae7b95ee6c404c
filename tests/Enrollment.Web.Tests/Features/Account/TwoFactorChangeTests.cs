using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// Changing the second factor (new recovery codes, a new authenticator) asks for the password again:
/// someone at an unlocked, signed-in screen cannot take the account's second factor over.
/// </summary>
public sealed class TwoFactorChangeTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData("codes")]
    [InlineData("reset")]
    public async Task ChangingTheSecondFactor_WithoutThePassword_ChangesNothing(string kind)
    {
        var (session, user, key) = await SignedInWithTwoFactorAsync();

        using var response = await session.PostFormAsync("account/manage/two-factor", "manage",
            new Dictionary<string, string> { ["Action.Kind"] = kind, ["Action.Password"] = "not the password at all" });
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("That is not your password", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"recovery-codes\"", page, StringComparison.Ordinal);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        Assert.Equal(10, await users.CountRecoveryCodesAsync(stored));
        Assert.Equal(key, await users.GetAuthenticatorKeyAsync(stored));
        Assert.True(stored.TwoFactorEnabled);
        Assert.Equal(1, await users.GetAccessFailedCountAsync(stored));
    }

    [Fact]
    public async Task NewRecoveryCodes_WithThePassword_AreShown()
    {
        var (session, _, _) = await SignedInWithTwoFactorAsync();

        using var response = await session.PostFormAsync("account/manage/two-factor", "manage",
            new Dictionary<string, string> { ["Action.Kind"] = "codes", ["Action.Password"] = Password });

        Assert.Contains("data-testid=\"recovery-codes\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A user with two-factor on, signed in with password and a current TOTP code.</summary>
    private async Task<(PortalSession Session, EnrollmentUser User, string Key)> SignedInWithTwoFactorAsync()
    {
        var email = $"second-factor-{Guid.NewGuid():N}@example.com";
        var (user, _) = await PortalUsers.WithCertificateAsync(fixture.Portal, email, Password);
        string key;
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            await users.SetTwoFactorEnabledAsync(stored, true);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 10);
            key = (await users.GetAuthenticatorKeyAsync(stored))!;
        }
        var session = await PortalSession.SignInAsync(fixture.Portal, email, Password);
        var code = Totp.Code(Totp.DecodeBase32(key), Totp.StepAt(DateTimeOffset.UtcNow)).ToString("D6");
        using var second = await session.PostFormAsync("account/login-2fa", "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.True(RunningPortal.IsRedirect(second.StatusCode), $"two-factor sign-in answered {(int)second.StatusCode}");
        return (session, user, key);
    }
}
