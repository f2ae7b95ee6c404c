using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Features.Approvals;

public static class ApprovalsSetup
{
    public static IServiceCollection AddApprovals(this IServiceCollection services)
    {
        services.TryAddSingleton<ApprovalQueue>();
        return services;
    }
}
