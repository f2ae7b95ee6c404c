using System.Security.Claims;
using Bunit;
using Enrollment.Web.Components.Shell;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using MudBlazor;

namespace Enrollment.Web.Tests.Components;

/// <summary>The app shell: navigation by role, the account menu, MudBlazor's own texts in the user's language.</summary>
public sealed class ShellTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static ClaimsPrincipal Person(params string[] roles) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, "u1"), new Claim(ClaimTypes.Email, "mei@example.com"),
         new Claim(Enrollment.Web.Features.Account.AccountClaims.DisplayName, "Mei Tanaka"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
        "test"));

    private static string[] Links(IRenderedComponent<PortalNavigation> navigation) =>
        [.. navigation.FindAll("a").Select(a => a.GetAttribute("href")!)];

    [Fact]
    public async Task Navigation_ForAVisitor_OffersSignInAndTheCaOnly()
    {
        await using var components = new PortalComponents(fixture.Portal);
        PortalComponents.UseCulture("en-US");

        var navigation = components.Render<PortalNavigation>();

        Assert.Equal(["/", "account/login", "ca"], Links(navigation));
    }

    [Fact]
    public async Task Navigation_ForARequester_HasNoApproverOrAdministratorPages()
    {
        await using var components = new PortalComponents(fixture.Portal, Person(Roles.Requester));
        PortalComponents.UseCulture("en-US");

        var navigation = components.Render<PortalNavigation>();

        Assert.Equal(["/", "requests", "ca"], Links(navigation));
    }

    [Fact]
    public async Task Navigation_ForAnApprover_AddsTheQueue_AndForAnAdministrator_TheAdministrationPages()
    {
        await using var approver = new PortalComponents(fixture.Portal, Person(Roles.Requester, Roles.Approver));
        await using var admin = new PortalComponents(fixture.Portal, Person(Roles.Requester, Roles.Admin));
        PortalComponents.UseCulture("ja-JP");

        Assert.Equal(["/", "requests", "approvals", "ca"], Links(approver.Render<PortalNavigation>()));
        var adminNavigation = admin.Render<PortalNavigation>();
        Assert.Equal(["/", "requests", "admin/certificates", "admin/users", "admin/audit", "admin/ca", "ca"], Links(adminNavigation));
        Assert.Contains("監査ログ", adminNavigation.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountMenu_NamesThePerson_AndSignsOutWithAPost()
    {
        await using var components = new PortalComponents(fixture.Portal, Person(Roles.Requester));
        PortalComponents.UseCulture("en-US");

        var menu = components.Render<AccountMenu>(p => p.Add(m => m.User, Person(Roles.Requester)));

        Assert.Equal("Account: Mei Tanaka", menu.Find("summary").GetAttribute("aria-label"));
        Assert.Contains("mei@example.com", menu.Find(".account-who").TextContent, StringComparison.Ordinal);
        var form = menu.Find("form");
        Assert.Equal("account/logout", form.GetAttribute("action"));
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("Sign out", form.QuerySelector("button")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("ja-JP", "MudDataGridPager_FirstPage", "最初のページ")]
    [InlineData("ja-JP", "MudDialog_Close", "閉じる")]
    [InlineData("en-US", "MudDataGridPager_FirstPage", "First page")]
    public async Task MudBlazorTexts_ComeFromThePortalsResources(string culture, string key, string expected)
    {
        await using var components = new PortalComponents(fixture.Portal);
        PortalComponents.UseCulture(culture);

        var text = components.Services.GetRequiredService<MudLocalizer>()[key];

        Assert.Equal(expected, text.Value);
        Assert.False(text.ResourceNotFound);
    }

    [Fact]
    public async Task MudBlazorTexts_EveryJapaneseKeyHasItsEnglish_AndAnUnknownKeyFallsBackToMudBlazor()
    {
        await using var components = new PortalComponents(fixture.Portal);
        PortalComponents.UseCulture("ja-JP");
        static string[] Keys(string file) => [.. System.Xml.Linq.XDocument.Load(Path.Combine(Testing.Repository.Root, "src", "Enrollment.Web", "Resources", file))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).Order()];

        Assert.Equal(Keys("MudTexts.resx"), Keys("MudTexts.ja.resx"));
        Assert.True(components.Services.GetRequiredService<MudLocalizer>()["MudColorPicker_SpectrumView"].ResourceNotFound);
    }
}
