namespace Enrollment.Web.Shared;

/// <summary>Where a return address from a query string may send the browser: a path on this site, nothing else.</summary>
public static class LocalUrls
{
    /// <summary>
    /// The address if it is a path on this site ("/requests?x=1"), otherwise "/": absolute URLs,
    /// scheme-relative "//host" and "/\host" (which browsers read as another host), and anything
    /// with control characters all go home, without an error and without echoing the text anywhere.
    /// </summary>
    public static string OrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Contains('\\', StringComparison.Ordinal) && !url.Any(char.IsControl) && Uri.IsWellFormedUriString(url, UriKind.Relative)
            ? url
            : "/";
}
