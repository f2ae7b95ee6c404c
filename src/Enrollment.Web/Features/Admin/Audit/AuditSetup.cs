using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Features.Admin.Audit;

public static class AuditSetup
{
    /// <summary>The audit anchor (also for the admin verbs) and, in the portal, its checkpoints.</summary>
    public static IServiceCollection AddAuditAnchor(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditAnchor>();
        services.AddHostedService<AuditCheckpointService>();
        return services;
    }
}
