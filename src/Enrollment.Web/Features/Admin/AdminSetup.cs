using Enrollment.Web.Features.Admin.Users;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Radzen;

namespace Enrollment.Web.Features.Admin;

public static class AdminSetup
{
    public static IServiceCollection AddAdministration(this IServiceCollection services)
    {
        services.AddRadzenComponents();
        services.TryAddScoped<AdminAuthorization>();
        services.TryAddScoped<UserAdministration>();
        services.TryAddScoped<Audit.AuditLog>();
        return services;
    }
}
