using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Requests;

/// <summary>A profile's display name in the visitor's language ("Profile.{name}"), or its configured name.</summary>
public static class ProfileNames
{
    public static string ProfileName(this IStringLocalizer localizer, string name) =>
        localizer["Profile." + name] is { ResourceNotFound: false } text ? text : name;
}
