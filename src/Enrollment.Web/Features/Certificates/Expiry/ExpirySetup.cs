using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Features.Certificates.Expiry;

public static class ExpirySetup
{
    public static IServiceCollection AddExpiry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ExpiryOptions>().Bind(configuration.GetSection(ExpiryOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.ReminderDays.All(d => d is > 0 and <= 365), "Enrollment:Expiry:ReminderDays must be whole days between 1 and 365.")
            .ValidateOnStart();
        services.TryAddSingleton<ExpirySweep>();
        services.AddHostedService<ExpiryService>();
        return services;
    }
}
