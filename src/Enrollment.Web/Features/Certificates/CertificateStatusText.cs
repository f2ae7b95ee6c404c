using Enrollment.Ca.Revocation;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Certificates;

/// <summary>How every page words a certificate's status and a revocation reason, in the visitor's language.</summary>
public static class CertificateStatusText
{
    /// <summary>Certificates whose end of validity is this close count as "expiring soon" everywhere.</summary>
    public static readonly TimeSpan ExpiringSoon = TimeSpan.FromDays(30);

    public static string CertificateStatus(this IStringLocalizer localizer, DateTime notAfter, DateTime? revokedAt, RevocationReason? reason, DateTime now) =>
        revokedAt is { } at ? $"{localizer["CertStatus.Revoked"]} ({localizer.ReasonName(reason ?? RevocationReason.Unspecified)}, {at:yyyy-MM-dd HH:mm})"
        : notAfter <= now ? localizer["CertStatus.Expired"]
        : notAfter <= now + ExpiringSoon ? localizer["CertStatus.ExpiringSoon"]
        : localizer["CertStatus.Valid"];

    /// <summary>The reason in words, with its RFC 5280 name alongside so an administrator can match CRL and OCSP output.</summary>
    public static string ReasonName(this IStringLocalizer localizer, RevocationReason reason) =>
        localizer["Reason." + reason.Name()] is { ResourceNotFound: false } text ? $"{text} ({reason.Name()})" : reason.Name();
}
