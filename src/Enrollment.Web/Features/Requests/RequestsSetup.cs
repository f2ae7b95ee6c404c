using Enrollment.Data;
using Enrollment.Web.Shared;
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
        services.TryAddSingleton<Home.HomeAgenda>();
        services.TryAddSingleton<Pickup>();
        AddRelay(services, configuration);
        return services;
    }

    /// <summary>The relay of request changes between nodes, as Enrollment:Database:Notifications chooses.</summary>
    private static void AddRelay(IServiceCollection services, IConfiguration configuration)
    {
        var enrollment = configuration.GetSection(EnrollmentOptions.SectionName).Get<EnrollmentOptions>() ?? new EnrollmentOptions();
        switch (enrollment.Database.NotificationsOrDefault)
        {
            case RequestNotifications.Listen when enrollment.Database.Provider == DatabaseProvider.PostgreSql:
                var connection = enrollment.Database.Settings(enrollment).Connection;
                services.AddHostedService(s => new PostgreSqlRequestRelay(
                    s.GetRequiredService<RequestEvents>(), connection, s.GetRequiredService<ILogger<PostgreSqlRequestRelay>>()));
                break;
            case RequestNotifications.Listen:
                throw new InvalidOperationException("Enrollment:Database:Notifications=Listen needs Provider=PostgreSql; use Poll.");
            case RequestNotifications.Poll:
                services.AddHostedService<PollingRequestRelay>();
                break;
        }
    }
}
