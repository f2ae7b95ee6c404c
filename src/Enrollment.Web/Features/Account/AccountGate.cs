using Microsoft.AspNetCore.Components.Endpoints;

namespace Enrollment.Web.Features.Account;

/// <summary>Marks the pages a signed-in user may open before the account setup is complete.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AllowDuringAccountSetupAttribute : Attribute;

/// <summary>
/// Sends a signed-in user who must first change a one-time password, or who holds a privileged
/// role without two-factor sign-in, to the page that fixes it; every other page is closed to them.
/// </summary>
public static class AccountGate
{
    public const string ChangePasswordPath = "/account/manage/password";
    public const string TwoFactorPath = "/account/manage/two-factor";

    public static IApplicationBuilder UseAccountGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var page = context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type;
        var user = context.User;
        if (page is not null && user.Identity?.IsAuthenticated == true && !page.IsDefined(typeof(AllowDuringAccountSetupAttribute), false))
        {
            if (user.Has(AccountClaims.MustChangePassword))
            {
                context.Response.Redirect(ChangePasswordPath);
                return;
            }
            if (user.NeedsTwoFactor() && !user.HasSecondFactor())
            {
                context.Response.Redirect(TwoFactorPath);
                return;
            }
        }
        await next(context);
    });
}
