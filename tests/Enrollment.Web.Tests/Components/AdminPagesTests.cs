using AngleSharp.Dom;
using Bunit;
using Enrollment.Ca.Revocation;
using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Features.Admin.Certificates;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Components;

/// <summary>The audit log, the certificate list and a certificate's detail, as components against the real services.</summary>
public sealed class AdminPagesTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    /// <remarks>The language is the test's own to set: a culture set in an async method ends with it.</remarks>
    private async Task<PortalComponents> AdminAsync()
    {
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal);
        return new PortalComponents(fixture.Portal, principal, connection);
    }

    private static IElement Button<T>(IRenderedComponent<T> page, string text) where T : Microsoft.AspNetCore.Components.IComponent =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private async Task<string> IssuedSerialAsync(string email)
    {
        var owner = await fixture.AddUserAsync(email, "EMP-" + Guid.NewGuid().ToString("N")[..6]);
        // Issued as the portal issues any certificate, to a key made here.
        var connection = await Testing.Actors.CertifiedConnectionAsync(fixture.Portal.Services, owner);
        return Ca.Serials.SerialNumber.Canonicalize(connection.Certificate!.SerialNumber);
    }

    [Fact]
    public async Task AuditLog_NamesEventsInTheReadersLanguage_WithTheCodeBeside_AndFiltersByCode()
    {
        PortalComponents.UseCulture("ja-JP");
        await using var components = await AdminAsync();
        var page = components.Render<AuditPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));

        await page.InvokeAsync(() => page.Find("#audit-event").Change("certificate.issued"));
        await page.Find("form.toolbar").SubmitAsync();

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr.mud-table-row");
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Contains("証明書を発行", r.TextContent, StringComparison.Ordinal));
            Assert.All(rows, r => Assert.Equal("certificate.issued", r.QuerySelector("code.second-line")!.TextContent));
        });
    }

    [Fact]
    public async Task AuditLog_NamesThePeopleAndRequestsBehindIds_AndLabelsTheDetails()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var request = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        PortalComponents.UseCulture("ja-JP");
        await using var components = await AdminAsync();
        var page = components.Render<AuditPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));

        await page.InvokeAsync(() => page.Find("#audit-event").Change("request.approved"));
        await page.InvokeAsync(() => page.Find("#audit-target").Change(request.ToString()));
        await page.Find("form.toolbar").SubmitAsync();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr.mud-table-row"));
            var target = row.QuerySelector("[data-testid=audit-target-name]")!;
            Assert.Equal($"{user.DisplayName}（{user.Email}）さんの申請", target.Children[0].TextContent);
            Assert.Equal(request.ToString(), target.QuerySelector("code")!.TextContent);
            var details = row.QuerySelectorAll("[data-testid=audit-detail]").Select(d => d.TextContent.Trim()).ToList();
            Assert.Equal([$"申請者 {user.DisplayName}（{user.Email}）", "コメント ok"], details);
        });
    }

    [Fact]
    public void AuditDetails_ReadKeyValuePairs_ValuesWithSpacesAndSubjects_AndLeaveSentencesAlone()
    {
        Assert.Equal([new AuditField("reason", "keyCompromise")], AuditDetails.Fields("reason=keyCompromise"));
        Assert.Equal(
            [new AuditField("failure", "Revoked"), new AuditField("subject", "CN=Aiko Tanaka, O=Example Corp"), new AuditField("comment", "fine by me")],
            AuditDetails.Fields("failure=Revoked subject=CN=Aiko Tanaka, O=Example Corp comment=fine by me"));
        Assert.Null(AuditDetails.Fields("approved: CN=A; now: CN=B"));
        Assert.Null(AuditDetails.Fields("root CRL renewed"));
    }

    [Fact]
    public async Task AuditLog_VerifyingTheChain_SaysItIsIntact()
    {
        await using var components = await AdminAsync();
        var page = components.Render<AuditPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));

        await page.InvokeAsync(() => Button(page, "Verify the chain").Click());

        page.WaitForAssertion(() => Assert.Contains("intact", page.Find("[data-testid=audit-message]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CertificateList_FindsBySerialPrefix_ShowsTheOwnersNameWithTheirEmail_AndSaysWhenNothingMatches()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var serial = await IssuedSerialAsync(email);
        await using var components = await AdminAsync();
        var page = components.Render<CertificatesPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));

        await page.InvokeAsync(() => page.Find("#certificate-search").Change(serial[..12].ToLowerInvariant()));
        await page.Find("form.toolbar").SubmitAsync();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr.mud-table-row"));
            Assert.Equal(serial, row.QuerySelector("code.serial")!.TextContent);
            Assert.Equal(email, row.QuerySelector(".second-line")!.TextContent);
        });
        await page.InvokeAsync(() => page.Find("#certificate-search").Change("no-such-" + Guid.NewGuid().ToString("N")));
        await page.Find("form.toolbar").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal("No certificate matches.", page.Find("[data-testid=certificates-empty]").TextContent));
    }

    [Fact]
    public async Task CertificateStatus_OfARevokedCertificate_SaysTheReasonInWords_AndTheDayInTheReadersZone_WithTheRfcNameOnHover()
    {
        PortalComponents.UseCulture("ja-JP");
        await using var components = await AdminAsync();

        // 20:00 UTC on 6 December is already 7 December in Tokyo, a Japanese reader's zone unless the browser says otherwise.
        var cell = components.Render<CertificateStatusCell>(p => p
            .Add(c => c.NotAfter, new DateTime(2027, 12, 1, 0, 0, 0, DateTimeKind.Utc))
            .Add(c => c.RevokedAt, new DateTime(2026, 12, 6, 20, 0, 0, DateTimeKind.Utc))
            .Add(c => c.Reason, RevocationReason.KeyCompromise)
            .Add(c => c.ReasonCodeOnHover, true));

        var lines = cell.FindAll(".two-lines > span");
        Assert.Equal("失効", lines[0].TextContent);
        Assert.Equal("鍵の危殆化・紛失・盗難 · 2026年12月7日", lines[1].TextContent.Trim());
        Assert.Equal("keyCompromise", lines[1].QuerySelector("span[title]")!.GetAttribute("title"));
        Assert.Equal("2026-12-06 20:00 UTC", lines[1].QuerySelector("time")!.GetAttribute("title"));
    }

    [Fact]
    public async Task CertificateDetail_RevokingAllOfAPerson_WaitsForTheirEmailTyped_ThenRevokesWithTheChosenReason()
    {
        var email = $"leaver-{Guid.NewGuid():N}@example.com";
        var serial = await IssuedSerialAsync(email);
        await using var components = await AdminAsync();
        var page = components.Render<CertificateDetailPage>(p => p.Add(d => d.Serial, serial));
        page.WaitForElement("[data-testid=certificate-fields]");

        await page.InvokeAsync(() => page.FindAll("label").Single(l => l.TextContent.Trim() == "Affiliation changed").QuerySelector("input[type=radio]")!.Click());
        await page.InvokeAsync(() => Button(page, "Revoke all of this user's certificates").Click());
        var confirm = page.WaitForElement(".mud-dialog");
        var revoke = confirm.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Revoke");
        Assert.True(revoke.HasAttribute("disabled"));
        await page.InvokeAsync(() => page.Find("#confirm-typed").Input(email.ToUpperInvariant()));
        page.WaitForAssertion(() => Assert.False(page.Find(".mud-dialog button.mud-button-filled").HasAttribute("disabled")));
        await page.InvokeAsync(() => page.Find(".mud-dialog button.mud-button-filled").Click());

        page.WaitForAssertion(() => Assert.Contains("1 certificate(s)", page.Find("[data-testid=certificate-message]").TextContent, StringComparison.Ordinal));
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal);
        var stored = await fixture.Portal.Services.GetRequiredService<AdminCertificates>().DetailsAsync(principal, connection, serial);
        Assert.Equal(RevocationReason.AffiliationChanged, stored!.Row.Reason);
    }

    [Fact]
    public async Task CertificateDetail_OfAnUnknownSerial_SaysSo()
    {
        await using var components = await AdminAsync();

        var page = components.Render<CertificateDetailPage>(p => p.Add(d => d.Serial, "0123456789ABCDEF"));

        page.WaitForAssertion(() => Assert.Contains("No certificate with this serial number", page.Find("[data-testid=certificate-missing]").TextContent, StringComparison.Ordinal));
    }
}
