using Enrollment.Web.Shared;
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
        // No open redirects: a return address from a query string must be a path on this site (else
        // home); the pages' own relative targets ("account/login") stay relative to the base.
        if (Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            uri = absolute.AbsoluteUri.StartsWith(navigation.BaseUri, StringComparison.OrdinalIgnoreCase) ? navigation.ToBaseRelativePath(absolute.AbsoluteUri) : string.Empty;
        }
        else if (uri.StartsWith('/') || !Uri.IsWellFormedUriString(uri, UriKind.Relative) || uri.Contains('\\', StringComparison.Ordinal))
        {
            uri = LocalUrls.OrHome(uri);
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
