using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Account;

/// <summary>Identity's password errors in the user's language.</summary>
public static class PasswordErrors
{
    public static string Describe(IdentityResult result, IStringLocalizer localizer) =>
        string.Join(" ", result.Errors.Select(e => e.Code switch
        {
            "PasswordTooShort" => localizer["PasswordTooShort"].Value,
            "PasswordRequiresUniqueChars" => localizer["PasswordTooSimple"].Value,
            Passwords.CommonPasswordValidator.Code => localizer["PasswordCommon"].Value,
            "PasswordMismatch" => localizer["CurrentPasswordWrong"].Value,
            "InvalidToken" => localizer["ResetLinkInvalid"].Value,
            _ => e.Description,
        }).Distinct());
}
