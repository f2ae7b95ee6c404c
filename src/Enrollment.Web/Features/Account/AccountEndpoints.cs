using System.Security.Claims;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Enrollment.Web.Features.Account.Sso;
using Microsoft.AspNetCore.Mvc;

namespace Enrollment.Web.Features.Account;

/// <summary>Account actions that are plain form posts rather than pages.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints)
    {
        // A form post, never a GET a link could trigger. The framework checks antiforgery only for
        // endpoints that bind a form, which this one does not: it checks the token itself, so
        // another site cannot sign a user out.
        endpoints.MapPost("/account/logout", async (HttpContext context, [FromServices] IAntiforgery antiforgery,
            [FromServices] SignInManager<EnrollmentUser> signIn, [FromServices] AccountAudit audit) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }
            var signedInWith = context.User.FindFirstValue(ClaimTypes.AuthenticationMethod);
            if (context.User.Identity?.IsAuthenticated == true)
            {
                await audit.RecordAsync(context, context.User, "signin.signed-out");
            }
            // Deletes the server-side session: a copy of the cookie signs nobody in any more.
            await signIn.SignOutAsync();
            return await SsoSetup.SignOutAtProviderAsync(context, signedInWith) ?? Results.LocalRedirect("~/account/signed-out");
        });
        endpoints.MapSso();
        return endpoints;
    }
}
