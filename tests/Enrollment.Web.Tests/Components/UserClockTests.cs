using Enrollment.Web.Components.Time;
using Microsoft.AspNetCore.Http;

namespace Enrollment.Web.Tests.Components;

/// <summary>Times in the reader's zone and language; before the browser says its zone, Japan for Japanese, else UTC.</summary>
public sealed class UserClockTests
{
    private static readonly DateTime Instant = new(2026, 12, 7, 5, 7, 0, DateTimeKind.Utc);

    private static UserClock ClockWith(string? zoneCookie)
    {
        var context = new DefaultHttpContext();
        if (zoneCookie is not null)
        {
            context.Request.Headers.Cookie = $"{UserClock.CookieName}={Uri.EscapeDataString(zoneCookie)}";
        }
        return new UserClock(new HttpContextAccessor { HttpContext = context });
    }

    [Theory]
    [InlineData("ja-JP", null, "2026年12月7日 14:07 JST")]
    [InlineData("en-US", null, "7 Dec 2026, 5:07 UTC")]
    [InlineData("en-US", "Asia/Tokyo", "7 Dec 2026, 14:07 JST")]
    [InlineData("ja-JP", "America/New_York", "2026年12月7日 0:07 UTC-5")]
    [InlineData("en-US", "Asia/Kolkata", "7 Dec 2026, 10:37 UTC+5:30")]
    [InlineData("en-US", "Not/AZone", "7 Dec 2026, 5:07 UTC")]
    public void Format_IsInTheBrowsersZone_InThePagesLanguage(string culture, string? zone, string expected)
    {
        PortalComponents.UseCulture(culture);

        Assert.Equal(expected, ClockWith(zone).Format(Instant));
    }

    [Theory]
    [InlineData("ja-JP", "America/Los_Angeles", "2026年12月6日")]
    [InlineData("en-US", "Asia/Tokyo", "7 Dec 2026")]
    public void FormatDate_IsTheDayInTheBrowsersZone(string culture, string zone, string expected)
    {
        PortalComponents.UseCulture(culture);

        Assert.Equal(expected, ClockWith(zone).FormatDate(Instant));
    }

    [Fact]
    public void Utc_ForTheTooltip_IsTheExactInstant() => Assert.Equal("2026-12-07 05:07 UTC", UserClock.Utc(Instant));
}
