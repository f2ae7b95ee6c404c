using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>Users made straight through the portal's services, for tests that run their own portal.</summary>
public static class PortalUsers
{
    /// <summary>A confirmed user with a password and an employee id, and a certificate issued to them by the portal (for <paramref name="key"/> when given).</summary>
    public static async Task<(EnrollmentUser User, X509Certificate2 Certificate)> WithCertificateAsync(RunningPortal portal, string email, string password, ECDsa? key = null)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var user = new EnrollmentUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = "User " + email.Split('@')[0][..Math.Min(8, email.IndexOf('@'))],
            EmployeeId = "P-" + Guid.NewGuid().ToString("N")[..10], CreatedAt = DateTime.UtcNow,
        };
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().CreateAsync(user, password)).Succeeded);
        using var ownKey = key is null ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : null;
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(user, new PublicKey(key ?? ownKey!), null, default);
        return (user, issued.Certificate!);
    }
}
