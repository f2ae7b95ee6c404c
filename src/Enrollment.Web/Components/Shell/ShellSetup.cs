using MudBlazor;
using MudBlazor.Services;

namespace Enrollment.Web.Components.Shell;

public static class ShellSetup
{
    /// <summary>MudBlazor's services, with its own texts in the portal's languages.</summary>
    public static IServiceCollection AddPortalShell(this IServiceCollection services)
    {
        services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomCenter;
            options.SnackbarConfiguration.VisibleStateDuration = 8000;
            options.SnackbarConfiguration.PreventDuplicates = false;
        });
        // After AddMudServices, which registers its English default.
        services.AddTransient<MudLocalizer, PortalMudLocalizer>();
        services.AddScoped<Time.UserClock>();
        return services;
    }
}
