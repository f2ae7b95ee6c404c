using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Features.Requests;

public static class RequestsSetup
{
    public static IServiceCollection AddRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestOptions>().Bind(configuration.GetSection(RequestOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.Profiles.All(p => p.KeyTypes.All(CertificateProfiles.AllKeyTypes.Contains)),
                $"Enrollment:Requests:Profiles:N:KeyTypes may name only {string.Join(", ", CertificateProfiles.AllKeyTypes)}.")
            .Validate(o => o.Profiles.Select(p => p.Name).Distinct().Count() == o.Profiles.Count, "Enrollment:Requests:Profiles names must be unique.")
            .ValidateOnStart();
        services.TryAddSingleton<CertificateProfiles>();
        services.TryAddSingleton<RequestEvents>();
        services.TryAddSingleton<RequestMail>();
        services.TryAddSingleton<MyRequests>();
        services.TryAddSingleton<MyCertificates>();
        services.TryAddSingleton<Pickup>();
        return services;
    }
}
