using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account.Passwords;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>Long enough is not enough: the passwords attackers try first are refused wherever a password is set.</summary>
public sealed class CommonPasswordTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("password1234!")]
    [InlineData("Baseball2026!!")]
    [InlineData("  iloveyou123456 ")]
    public async Task SettingACommonPassword_IsRefusedWithAClearReason(string password)
    {
        var user = await fixture.AddUserAsync($"common-{Guid.NewGuid():N}@example.com", "CP-" + Guid.NewGuid().ToString("N")[..8]);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();

        var result = await users.AddPasswordAsync((await users.FindByIdAsync(user.Id))!, password);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Code == CommonPasswordValidator.Code);
    }

    [Fact]
    public void ThePartBeforeTheAtOfTheAccountsEmail_IsRefused()
    {
        Assert.True(CommonPasswordValidator.IsCommon("maximilian.mustermann2026", new EnrollmentUser { Email = "maximilian.mustermann@example.com" }));
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("violet kettle marathon umbrella")]
    [InlineData("8Gx-4mQz-pL2w-Rt9v")]
    public void UncommonPasswords_AreAccepted(string password)
    {
        Assert.False(CommonPasswordValidator.IsCommon(password, new EnrollmentUser { Email = "someone@example.com" }));
    }
}
