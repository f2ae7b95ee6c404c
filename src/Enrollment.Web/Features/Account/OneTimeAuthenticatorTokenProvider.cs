using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// The authenticator-app token provider with replay protection (docs/pitfalls.md, "TOTP
/// replay"): a code is accepted only if its time step is later than the last step
/// accepted for the user, and that step is claimed with a conditional write, so two sign-ins racing
/// with the same code cannot both succeed.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(IDbContextFactory<EnrollmentDbContext> factory, TimeProvider time)
    : IUserTwoFactorTokenProvider<EnrollmentUser>
{
    public const string Name = "OneTimeAuthenticator";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<EnrollmentUser> manager, EnrollmentUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Authenticator codes are made by the user's app, never by the server.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<EnrollmentUser> manager, EnrollmentUser user) =>
        Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<EnrollmentUser> manager, EnrollmentUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || Totp.MatchingStep(Totp.DecodeBase32(key), token, time.GetUtcNow()) is not { } step)
        {
            return false;
        }
        return await ClaimStepAsync(user.Id, step);
    }

    /// <summary>Records the step if it is newer than the last one; false when it was used already.</summary>
    private async Task<bool> ClaimStepAsync(string userId, long step)
    {
        await using var db = await factory.CreateDbContextAsync();
        var advanced = await db.AuthenticatorSteps
            .Where(s => s.UserId == userId && s.LastStep < step)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastStep, step));
        if (advanced == 1)
        {
            return true;
        }
        if (await db.AuthenticatorSteps.AnyAsync(s => s.UserId == userId))
        {
            return false;
        }
        try
        {
            db.AuthenticatorSteps.Add(new AuthenticatorStep { UserId = userId, LastStep = step });
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            // Another sign-in claimed the first step at the same moment.
            return false;
        }
    }
}
