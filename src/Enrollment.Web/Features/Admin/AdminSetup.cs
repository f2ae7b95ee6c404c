using Enrollment.Web.Features.Admin.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Features.Admin;

public static class AdminSetup
{
    public static IServiceCollection AddAdministration(this IServiceCollection services)
    {
        services.TryAddScoped<UserAdministration>();
        services.TryAddScoped<Audit.AuditLog>();
        services.TryAddScoped<Health.CaHealth>();
        services.TryAddScoped<Certificates.AdminCertificates>();
        // The self-check probes our published URLs: short, so a dead address cannot hold the page.
        services.AddHttpClient(nameof(Health.CaHealth), client => client.Timeout = TimeSpan.FromSeconds(3));
        return services;
    }
}
