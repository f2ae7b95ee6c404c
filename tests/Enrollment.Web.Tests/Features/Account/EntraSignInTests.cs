using Enrollment.Data.Entities;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// Microsoft Entra ID through Microsoft.Identity.Web, against a real provider on loopback that
/// answers as an Entra tenant does: discovery under {instance}/{tenant}/v2.0, the v2.0 issuer,
/// tid and oid, preferred_username, app roles.
/// </summary>
public sealed class EntraSignInTests
{
    private const string Tenant = "7d3c5a4e-1f2b-4c6d-8e9f-0a1b2c3d4e5f";
    private const string Provider = "entra";

    [Fact]
    public async Task SignIn_LinksByTenantAndObjectId_TakesTheUpnAndAppRoles_AndTrustsTheTenantsMfa()
    {
        await using var idp = await TestIdentityProvider.StartAsync(Tenant);
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider, "--Enrollment:Sso:Entra:TrustProviderMfa=true");
        idp.NextUser = new TestPerson("object-id-of-yui", "Yui Tanaka", "yui@contoso.example", "E-2001")
        {
            Upn = "yui.tanaka@contoso.example", Roles = ["Enrollment.Approver"], Amr = ["pwd", "mfa"],
        };
        using var browser = new SsoBrowser(portal);

        var page = await browser.Client.GetStringAsync("account/login");
        var landed = await browser.SignInAsync(Provider, "/approvals");

        Assert.Contains("Sign in with Microsoft Entra ID", page, StringComparison.Ordinal);
        // An approver with the tenant's MFA and no certificate yet: on to the certificate check, not to set up two-factor.
        Assert.Equal("/account/certificate", landed.RequestMessage!.RequestUri!.AbsolutePath);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = await users.FindByLoginAsync("entra:" + Tenant, "object-id-of-yui");
        Assert.NotNull(user);
        Assert.Equal(("Yui Tanaka", "yui@contoso.example", "yui.tanaka@contoso.example", "E-2001"), (user.DisplayName, user.Email, user.Upn, user.EmployeeId));
        Assert.Equal([Web.Shared.Roles.Approver, Web.Shared.Roles.Requester], (await users.GetRolesAsync(user)).Order());
    }

    /// <summary>
    /// With a certificate credential (AzureAd:ClientCertificates) and no secret, the code is redeemed
    /// with an assertion the certificate signs; the provider knows the client by that certificate only.
    /// </summary>
    [Fact]
    public async Task CertificateCredential_RedeemsTheCodeWithASignedAssertion_WithoutASecret()
    {
        await using var idp = await TestIdentityProvider.StartAsync(Tenant);
        using var directory = new Testing.TemporaryDirectory();
        using var key = System.Security.Cryptography.RSA.Create(2048);
        using var certificate = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=Enrollment portal", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        var pfx = directory.File("portal-credential.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx password"));
        var settings = SsoBrowser.ProviderSettings(idp, Provider).Where(s => !s.StartsWith("--AzureAd:ClientSecret=", StringComparison.Ordinal));
        await using var portal = await RunningPortal.StartAsync(
            builder => builder.Services.Configure<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>(Provider, o => o.BackchannelHttpHandler = idp.BackchannelHandler()),
            [.. settings, "--AzureAd:ClientCertificates:0:SourceType=Path", $"--AzureAd:ClientCertificates:0:CertificateDiskPath={pfx}",
                "--AzureAd:ClientCertificates:0:CertificatePassword=pfx password"]);
        await idp.RegisterClientAsync(new Uri(portal.Https, "signin-" + Provider));
        idp.ClientCertificate = certificate;
        idp.NextUser = new TestPerson("object-id-of-ren", "Ren Ito", "ren@contoso.example", "E-2002");
        using var browser = new SsoBrowser(portal);

        var landed = await browser.SignInAsync(Provider, "/requests");

        await using var scope = portal.Services.CreateAsyncScope();
        var failures = await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().AuditEvents
            .Where(e => e.EventType == "signin.sso-failed").Select(e => e.Details).ToListAsync();
        Assert.True("/requests" == landed.RequestMessage!.RequestUri!.AbsolutePath, string.Join("; ", failures));
        Assert.Equal(1, idp.AssertionsAccepted);
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByLoginAsync("entra:" + Tenant, "object-id-of-ren"));
    }

    /// <summary>Only the configured tenant's people: a token of another tenant is refused even though everything else about it is valid.</summary>
    [Fact]
    public async Task TokenOfAnotherTenant_IsRefused_AndProvisionsNobody()
    {
        await using var idp = await TestIdentityProvider.StartAsync(Tenant);
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        idp.TokenTenant = "00000000-1111-2222-3333-444444444444";
        using var browser = new SsoBrowser(portal);

        var refused = await browser.SignInAsync(Provider, "/requests");

        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(0, await db.UserLogins.CountAsync());
        var failure = await db.AuditEvents.SingleAsync(e => e.EventType == "signin.sso-failed");
        Assert.Contains("is not the tenant " + Tenant, failure.Details, StringComparison.Ordinal);
    }

    /// <summary>A portal configured for a tenant by name, or for every tenant, would let strangers in: it does not start.</summary>
    [Theory]
    [InlineData("contoso.onmicrosoft.com")]
    [InlineData("organizations")]
    public async Task TenantIdThatIsNotATenantsId_StopsTheStart(string tenant)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => RunningPortal.StartAsync(
            $"--AzureAd:Instance=https://login.microsoftonline.com/", $"--AzureAd:TenantId={tenant}", "--AzureAd:ClientId=client", "--AzureAd:ClientSecret=secret"));

        Assert.Contains("AzureAd:TenantId must be the tenant's ID", failure.ToString(), StringComparison.Ordinal);
    }
}
