using Enrollment.Ca.Issuance;
using Enrollment.Ca.Ocsp;
using Enrollment.Data.Certificates;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enrollment.Web.Features.Certificates;

/// <summary>Issuance with durable records, and revocation: what every way of getting or losing a certificate goes through.</summary>
public static class CertificatesSetup
{
    public static IServiceCollection AddCertificates(this IServiceCollection services)
    {
        services.TryAddSingleton<IIssuanceFaults>(NoIssuanceFaults.Instance);
        services.TryAddSingleton<EfIssuanceLedger>();
        services.TryAddSingleton<IIssuanceLedger>(sp => sp.GetRequiredService<EfIssuanceLedger>());
        services.TryAddSingleton<IssuanceService>();
        services.TryAddScoped<CertificateIssuer>();
        services.TryAddSingleton<RevocationRecords>();
        services.TryAddSingleton<ICertificateStatusSource, EfCertificateStatusSource>();
        services.TryAddSingleton<RevocationService>();
        return services;
    }
}
