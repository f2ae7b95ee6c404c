using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Gate;

/// <summary>How pages word a refusal by the server, in the visitor's language.</summary>
public static class RefusalText
{
    /// <summary>
    /// The localised text of a refusal code, or its English message when no translation exists. A
    /// translation with {0} carries the English message as its detail (key names, sizes).
    /// </summary>
    public static string Describe(this IStringLocalizer localizer, Enrollment.Ca.Refusal refusal) =>
        localizer["Refused." + refusal.Code] is { ResourceNotFound: false } text ? string.Format(text.Value, refusal.Message) : refusal.Message;

    /// <summary>The missing role, or the gate's verdict with its reference code.</summary>
    public static string DescribeRefusal(this IStringLocalizer localizer, UnauthorizedAccessException refusal) =>
        refusal is CertificateRequiredException certificate
            ? $"{localizer["Gate." + certificate.Result.Verdict.Failure]} {localizer["ReferenceCode"]}: {certificate.Result.ReferenceCode}"
            : refusal is RoleRequiredException { Role: Web.Shared.Roles.Approver }
                ? localizer["Refused.auth.forbidden-approver"]
                : localizer["Refused.auth.forbidden"];
}
