using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Components.Time;

public static class AgeText
{
    /// <summary>How long something has waited, in its largest whole unit: "11 d", "3 h", "0 min".</summary>
    public static string Age(this IStringLocalizer localizer, TimeSpan age) =>
        age.TotalDays >= 1 ? string.Format(localizer["AgeDays"], (int)age.TotalDays)
        : age.TotalHours >= 1 ? string.Format(localizer["AgeHours"], (int)age.TotalHours)
        : string.Format(localizer["AgeMinutes"], Math.Max(0, (int)age.TotalMinutes));
}
