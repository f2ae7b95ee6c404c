using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account;

/// <summary>Identity's sign-in manager, refusing accounts an administrator disabled.</summary>
public sealed class EnrollmentSignInManager(
    UserManager<EnrollmentUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<EnrollmentUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<EnrollmentUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<EnrollmentUser> confirmation)
    : SignInManager<EnrollmentUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(EnrollmentUser user) => !user.Disabled && await base.CanSignInAsync(user);
}
