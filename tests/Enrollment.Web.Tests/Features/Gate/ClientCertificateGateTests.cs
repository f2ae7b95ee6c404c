using System.Security.Claims;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Gate;

/// <summary>The gate as a service: what it accepts, and for whom.</summary>
public sealed class ClientCertificateGateTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task OwnCertificate_IsAccepted_ButNotForASignedInPrincipalWhoseUserIsUnknown()
    {
        var (user, certificate) = await PortalUsers.WithCertificateAsync(fixture.Portal, "gate-unknown@example.com", "correct horse battery staple");
        var connection = new ConnectionCertificate(certificate, "127.0.0.1");
        // A cookie of a user this database does not hold (another installation's, say).
        var stranger = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()), new Claim(ClaimTypes.Email, user.Email!)], "Identity.Application"));

        var accepted = await EvaluateAsync(connection, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var refused = await EvaluateAsync(connection, stranger);

        Assert.True(accepted.IsAccepted);
        Assert.Equal(Ca.Gate.GateFailure.AnotherUser, refused.Verdict.Failure);
        Assert.NotNull(refused.ReferenceCode);
    }

    private async Task<GateResult> EvaluateAsync(ConnectionCertificate connection, ClaimsPrincipal principal)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ClientCertificateGate>().EvaluateAsync(connection, principal);
    }
}
