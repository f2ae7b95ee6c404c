using System.Globalization;

namespace Enrollment.Web.Components.Time;

/// <summary>
/// Times as the reader reads them: in the browser's own time zone (shell.js keeps it in a cookie),
/// in the page language's format, "2026年12月7日 14:07 JST" or "7 Dec 2026, 14:07 JST". Before
/// the browser has said, a Japanese page assumes Japan and any other UTC. Exports keep UTC.
/// </summary>
public sealed class UserClock(IHttpContextAccessor accessor)
{
    public const string CookieName = "enrollment-tz";

    private static readonly TimeZoneInfo Japan = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    private TimeZoneInfo? zone;

    public TimeZoneInfo Zone => zone ??= FromCookie(accessor.HttpContext) ?? LanguageDefault();

    /// <summary>Takes the zone from the request that opens a circuit, where no later request comes.</summary>
    public void Capture(HttpContext context) => zone = FromCookie(context) ?? zone;

    /// <summary>Date and time to the minute, with the zone's short name.</summary>
    public string Format(DateTime utc)
    {
        var local = ToLocal(utc);
        var pattern = Japanese ? "yyyy年M月d日 H:mm" : "d MMM yyyy, H:mm";
        return $"{local.ToString(pattern, CultureInfo.CurrentCulture)} {ShortName(local)}";
    }

    /// <summary>The day alone, in the reader's zone.</summary>
    public string FormatDate(DateTime utc) => ToLocal(utc).ToString(Japanese ? "yyyy年M月d日" : "d MMM yyyy", CultureInfo.CurrentCulture);

    private DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>The exact instant for a tooltip: UTC, ISO 8601.</summary>
    public static string Utc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static bool Japanese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ja";

    /// <summary>JST and UTC by name (the portal's usual zones); any other by its offset, "UTC+5:30".</summary>
    private string ShortName(DateTime local)
    {
        if (Zone.Id is "Asia/Tokyo" or "Tokyo Standard Time")
        {
            return "JST";
        }
        var offset = Zone.GetUtcOffset(local);
        if (offset == TimeSpan.Zero)
        {
            return "UTC";
        }
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var size = offset.Duration();
        return size.Minutes == 0 ? $"UTC{sign}{size.Hours}" : $"UTC{sign}{size.Hours}:{size.Minutes:00}";
    }

    private static TimeZoneInfo? FromCookie(HttpContext? context) =>
        context?.Request.Cookies[CookieName] is { Length: > 0 and < 64 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : null;

    private static TimeZoneInfo LanguageDefault() => Japanese ? Japan : TimeZoneInfo.Utc;
}
