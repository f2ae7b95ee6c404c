using System.Reflection;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Features.Account.Passwords;

/// <summary>
/// Refuses passwords that attackers try first (NIST SP 800-63B 5.1.1.2): one of the 9,000 most
/// common passwords (zxcvbn's list, see common-passwords.LICENSE.txt), or one of them with digits
/// and punctuation added at the end ("password1234!"), or the account's own e-mail name.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<EnrollmentUser>
{
    public const string Code = "CommonPassword";

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<EnrollmentUser> manager, EnrollmentUser user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password, user)
            ? IdentityResult.Failed(new IdentityError { Code = Code, Description = "This password is among the ones attackers try first; choose another (a few unrelated words work well)." })
            : IdentityResult.Success);

    public static bool IsCommon(string password, EnrollmentUser? user = null)
    {
        var lowered = password.Trim().ToLowerInvariant();
        var stem = lowered.TrimEnd("0123456789!@#$%^&*()-_=+.,;:?'\" ".ToCharArray());
        var mailName = user?.Email?.Split('@')[0].ToLowerInvariant();
        return Common.Value.Contains(lowered) || (stem.Length >= 4 && Common.Value.Contains(stem)) || (mailName is { Length: > 0 } && (stem == mailName || lowered == mailName));
    }

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Enrollment.Web.CommonPasswords")
                           ?? throw new InvalidOperationException("The common-password list is missing from the build.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                words.Add(line);
            }
        }
        return words;
    }
}
