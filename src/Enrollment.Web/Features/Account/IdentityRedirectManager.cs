using Microsoft.AspNetCore.Components;

namespace Enrollment.Web.Features.Account;

/// <summary>Redirects from statically rendered account pages, never to another site.</summary>
/// <remarks>
/// The portal runs with navigation exceptions off (the .NET 10 default; set in <c>EnrollmentHost</c>):
/// a redirect during static rendering sets the response and returns, so every caller returns right
/// after calling a method of this class.
/// </remarks>
public sealed class IdentityRedirectManager(NavigationManager navigation)
{
    public const string StatusCookieName = "Enrollment.StatusMessage";

    private static readonly CookieBuilder StatusCookie = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        SecurePolicy = CookieSecurePolicy.Always,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri)
    {
        uri ??= string.Empty;
        // No open redirects: anything but a local relative path becomes the home page.
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative) || uri.StartsWith("//", StringComparison.Ordinal) || uri.StartsWith("/\\", StringComparison.Ordinal))
        {
            uri = navigation.ToBaseRelativePath(uri);
        }
        navigation.NavigateTo(uri);
    }

    public void RedirectTo(string uri, Dictionary<string, object?> query) =>
        RedirectTo(navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path), query));

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookie.Build(context));
        RedirectTo(uri);
    }

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context) =>
        RedirectToWithStatus(navigation.ToAbsoluteUri(navigation.Uri).GetLeftPart(UriPartial.Path), message, context);
}
