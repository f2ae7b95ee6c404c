using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Shared;

/// <summary>
/// Absolute links for mail, always on the configured portal address (<see cref="EnrollmentOptions.PortalUrl"/>),
/// never on the Host of the request that caused the mail: a forged Host would otherwise put an
/// attacker's domain into a genuine password-reset mail (docs/pitfalls.md, "Links in mail").
/// </summary>
public sealed class PortalLinks(IOptions<EnrollmentOptions> options)
{
    public string To(string path, IDictionary<string, string?>? query = null)
    {
        var link = new Uri(new Uri(options.Value.PortalUrl.TrimEnd('/') + "/"), path.TrimStart('/')).AbsoluteUri;
        return query is null ? link : QueryHelpers.AddQueryString(link, query);
    }
}
