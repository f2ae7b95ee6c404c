using Enrollment.Ca.Revocation;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Certificates;

/// <summary>How every page words a certificate's status and a revocation reason, in the visitor's language.</summary>
public static class CertificateStatusText
{
    /// <summary>Certificates whose end of validity is this close count as "expiring soon" everywhere.</summary>
    public static readonly TimeSpan ExpiringSoon = TimeSpan.FromDays(30);

    /// <summary>The state in one word or two (valid, expiring soon, expired, revoked); a revocation's reason and time are shown beside it.</summary>
    public static string CertificateState(this IStringLocalizer localizer, DateTime notAfter, DateTime? revokedAt, DateTime now) =>
        revokedAt is not null ? localizer["CertStatus.Revoked"]
        : notAfter <= now ? localizer["CertStatus.Expired"]
        : notAfter <= now + ExpiringSoon ? localizer["CertStatus.ExpiringSoon"]
        : localizer["CertStatus.Valid"];

    /// <summary>The reason in words alone, for lists that show its RFC 5280 name on hover.</summary>
    public static string ReasonWords(this IStringLocalizer localizer, RevocationReason reason) =>
        Translated(localizer, reason) ?? reason.Name();

    /// <summary>The reason in words, with its RFC 5280 name alongside so an administrator can match CRL and OCSP output.</summary>
    public static string ReasonName(this IStringLocalizer localizer, RevocationReason reason) =>
        Translated(localizer, reason) is { } words ? $"{words} ({reason.Name()})" : reason.Name();

    private static string? Translated(IStringLocalizer localizer, RevocationReason reason) =>
        localizer["Reason." + reason.Name()] is { ResourceNotFound: false } text ? text.Value : null;
}
