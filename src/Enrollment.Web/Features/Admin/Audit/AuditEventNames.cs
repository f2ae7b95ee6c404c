using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Admin.Audit;

public static class AuditEventNames
{
    /// <summary>An audit event's name in the reader's language; its code when the portal has no name for it.</summary>
    public static string AuditEventName(this IStringLocalizer localizer, string eventType) =>
        localizer["AuditEvent." + eventType] is { ResourceNotFound: false } name ? name.Value : eventType;

    /// <summary>A detail field's label ("reason" as 理由); its key when the portal has no label for it.</summary>
    public static string AuditFieldName(this IStringLocalizer localizer, string key) =>
        localizer["AuditField." + key] is { ResourceNotFound: false } name ? name.Value : key;
}
