using Enrollment.Web.Features.Gate;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Admin;

/// <summary>How admin pages word a refusal by the server: the missing role, or the gate's verdict with its reference code.</summary>
public static class AdminRefusals
{
    public static string DescribeRefusal(this IStringLocalizer localizer, UnauthorizedAccessException refusal) =>
        refusal is CertificateRequiredException certificate
            ? $"{localizer["Gate." + certificate.Result.Verdict.Failure]} {localizer["ReferenceCode"]}: {certificate.Result.ReferenceCode}"
            : localizer["Refused.auth.forbidden"];
}
