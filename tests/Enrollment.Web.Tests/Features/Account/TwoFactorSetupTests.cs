using System.Net;
using Enrollment.Data.Entities;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>Opening the two-factor page makes the user's first authenticator key and nothing else.</summary>
public sealed class TwoFactorSetupTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task OpeningTheTwoFactorPage_MakesAKeyOnce_AndKeepsTheSecurityStamp()
    {
        var user = await fixture.AddUserAsync("first-key@example.com", "K-" + Guid.NewGuid().ToString("N")[..8]);
        await WithUsersAsync(async users =>
        {
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.AddPasswordAsync(stored, Password);
            stored.EmailConfirmed = true;
            await users.UpdateAsync(stored);
        });
        var stampBefore = await WithUsersAsync(async users => await users.GetSecurityStampAsync((await users.FindByIdAsync(user.Id))!));
        using var session = await PortalSession.SignInAsync(fixture.Portal, user.Email!, Password);

        using var first = await session.GetAsync("account/manage/two-factor");
        var keyAfterFirstView = await WithUsersAsync(async users => await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(user.Id))!));
        using var second = await session.GetAsync("account/manage/two-factor");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(string.IsNullOrEmpty(keyAfterFirstView));
        Assert.Equal(keyAfterFirstView, await WithUsersAsync(async users => await users.GetAuthenticatorKeyAsync((await users.FindByIdAsync(user.Id))!)));
        // A renewed stamp would sign out every other session of this user at its next validation.
        Assert.Equal(stampBefore, await WithUsersAsync(async users => await users.GetSecurityStampAsync((await users.FindByIdAsync(user.Id))!)));
    }

    private async Task<T> WithUsersAsync<T>(Func<UserManager<EnrollmentUser>, Task<T>> work)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>());
    }

    private Task WithUsersAsync(Func<UserManager<EnrollmentUser>, Task> work) =>
        WithUsersAsync(async users => { await work(users); return true; });
}
