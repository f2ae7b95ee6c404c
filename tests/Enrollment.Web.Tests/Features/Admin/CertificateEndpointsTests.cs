using System.Net;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Certificates;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Admin;

/// <summary>The admin downloads answer nobody but an administrator: the sign-in page for strangers, access denied for users.</summary>
public sealed class CertificateEndpointsTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData("admin/certificates/export.csv")]
    [InlineData("admin/certificates/export.csv?status=Revoked&issuedFrom=2026-01-01")]
    [InlineData("admin/certificates/0A0B0C/pem")]
    public async Task AdminDownload_ForARequester_IsDenied_AndForAStranger_AsksToSignIn(string path)
    {
        var user = await fixture.AddUserAsync($"curious-{Guid.NewGuid():N}@example.com", "Q-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            stored.EmailConfirmed = true;
            await users.UpdateAsync(stored);
            await users.AddPasswordAsync(stored, Password);
            await users.AddToRoleAsync(stored, Roles.Requester);
        }
        using var requester = await PortalSession.SignInAsync(fixture.Portal, user.Email!, Password);
        using var stranger = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, _, _, _) => true,
        }) { BaseAddress = fixture.Portal.Https };

        using var asRequester = await requester.GetAsync(path);
        using var asStranger = await stranger.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, asRequester.StatusCode);
        Assert.Equal("/account/access-denied", asRequester.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, asStranger.StatusCode);
        Assert.Equal("/account/login", asStranger.Headers.Location!.AbsolutePath);
        Assert.NotEqual("text/csv", asRequester.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void ExportLink_ReadsBackToTheSameFilter()
    {
        var query = new CertificateQuery("Tanaka & Co", CertificateStatusFilter.ExpiringSoon, new DateOnly(2026, 1, 1), null, null,
            new DateOnly(2027, 3, 31), CertificateSort.Owner, Descending: false);

        Assert.True(CertificateQuery.TryParse(QueryOf(query.ToQueryString()), out var read));
        Assert.Equal(query, read);
        Assert.Equal(string.Empty, new CertificateQuery().ToQueryString());
    }

    [Theory]
    [InlineData("?status=Bogus")]
    [InlineData("?status=99")]
    [InlineData("?sort=Id;DROP TABLE")]
    [InlineData("?issuedFrom=2026-13-01")]
    [InlineData("?expiresTo=tomorrow")]
    [InlineData("?order=sideways")]
    public void ExportLink_WithAnUnreadableFilter_IsRefused(string link) =>
        Assert.False(CertificateQuery.TryParse(QueryOf(link), out _));

    private static Microsoft.AspNetCore.Http.QueryCollection QueryOf(string link) =>
        new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link));
}
