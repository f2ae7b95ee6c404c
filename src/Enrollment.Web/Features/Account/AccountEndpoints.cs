using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Enrollment.Web.Features.Account;

/// <summary>Account actions that are plain form posts rather than pages.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder endpoints)
    {
        // A form post (antiforgery-checked by the framework), never a GET a link could trigger.
        endpoints.MapPost("/account/logout", async (HttpContext context, [FromServices] SignInManager<EnrollmentUser> signIn, [FromServices] AccountAudit audit) =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                await audit.RecordAsync(context, context.User, "signin.signed-out");
            }
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/");
        });
        return endpoints;
    }
}
