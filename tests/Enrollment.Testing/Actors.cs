using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Enrollment.Testing;

/// <summary>How a portal's services see a user acting: the principal a sign-in would carry, and a connection presenting an own certificate.</summary>
public static class Actors
{
    /// <summary>The principal the sign-in cookie would carry for the user as stored now.</summary>
    public static async Task<ClaimsPrincipal> PrincipalOfAsync(IServiceProvider services, EnrollmentUser user)
    {
        await using var scope = services.CreateAsyncScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByIdAsync(user.Id))!;
        return await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(stored);
    }

    /// <summary>A connection presenting a certificate the portal has just issued to the user.</summary>
    public static async Task<ConnectionCertificate> CertifiedConnectionAsync(IServiceProvider services, EnrollmentUser user, string address = "127.0.0.1")
    {
        await using var scope = services.CreateAsyncScope();
        var stored = (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByIdAsync(user.Id))!;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(stored, new PublicKey(key), null, default);
        return new ConnectionCertificate(issued.Certificate ?? throw new InvalidOperationException($"issuance refused: {issued.Refusal}"), address);
    }
}
