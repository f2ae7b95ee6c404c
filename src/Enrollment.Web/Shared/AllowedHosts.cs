using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Shared;

/// <summary>
/// The Host names the portal answers (ASP.NET Core's host filtering; any other gets 400). Unless the
/// standard <c>AllowedHosts</c> setting names them, they are the hosts of <c>Enrollment:PortalUrl</c>
/// and <c>Enrollment:PublicBaseUrl</c>, and, when either is a loopback name, every loopback name.
/// </summary>
public static class AllowedHosts
{
    private static readonly string[] Loopback = ["localhost", "127.0.0.1", "[::1]"];

    public static IServiceCollection AddAllowedHostsFromPortalUrls(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostFilteringOptions>().PostConfigure<IOptions<EnrollmentOptions>>((filter, enrollment) =>
        {
            if (string.IsNullOrEmpty(configuration["AllowedHosts"]))
            {
                filter.AllowedHosts = Of(enrollment.Value);
            }
        });
        return services;
    }

    public static List<string> Of(EnrollmentOptions options)
    {
        var hosts = new[] { options.PortalUrl, options.PublicBaseUrl }.Select(url => new Uri(url).Host).ToList();
        if (hosts.Any(Loopback.Contains))
        {
            hosts.AddRange(Loopback);
        }
        return hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
