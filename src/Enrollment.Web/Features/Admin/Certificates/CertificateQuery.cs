using System.Globalization;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Admin.Certificates;

public enum CertificateStatusFilter
{
    All,
    Valid,
    ExpiringSoon,
    Expired,
    Revoked,
}

/// <summary>The columns the certificate list sorts by; each maps to a fixed expression, never to text from the client.</summary>
public enum CertificateSort
{
    Issued,
    Expires,
    Serial,
    Owner,
    EmployeeId,
    Profile,
}

/// <summary>
/// One filter of the admin certificate list, shared by the grid and the CSV export so both show
/// the same rows. Dates are whole UTC days, both ends included.
/// </summary>
public sealed record CertificateQuery(
    string? Search = null,
    CertificateStatusFilter Status = CertificateStatusFilter.All,
    DateOnly? IssuedFrom = null,
    DateOnly? IssuedTo = null,
    DateOnly? ExpiresFrom = null,
    DateOnly? ExpiresTo = null,
    CertificateSort Sort = CertificateSort.Issued,
    bool Descending = true)
{
    public IQueryable<IssuedCertificate> Apply(EnrollmentDbContext db, DateTime now)
    {
        var query = db.Certificates.AsNoTracking().Where(c => c.State == IssuanceState.Issued);
        var soon = now + CertificateStatusText.ExpiringSoon;
        query = Status switch
        {
            CertificateStatusFilter.Valid => query.Where(c => c.RevokedAt == null && c.NotAfter > now),
            CertificateStatusFilter.ExpiringSoon => query.Where(c => c.RevokedAt == null && c.NotAfter > now && c.NotAfter <= soon),
            CertificateStatusFilter.Expired => query.Where(c => c.RevokedAt == null && c.NotAfter <= now),
            CertificateStatusFilter.Revoked => query.Where(c => c.RevokedAt != null),
            _ => query,
        };
        if (Start(IssuedFrom) is { } issuedFrom)
        {
            query = query.Where(c => c.NotBefore >= issuedFrom);
        }
        if (End(IssuedTo) is { } issuedTo)
        {
            query = query.Where(c => c.NotBefore < issuedTo);
        }
        if (Start(ExpiresFrom) is { } expiresFrom)
        {
            query = query.Where(c => c.NotAfter >= expiresFrom);
        }
        if (End(ExpiresTo) is { } expiresTo)
        {
            query = query.Where(c => c.NotAfter < expiresTo);
        }
        if (string.IsNullOrWhiteSpace(Search))
        {
            return query;
        }
        // The owners are found in the users table first (far smaller than the certificates), then
        // their certificates through the UserId index; a serial through its unique index. One OR
        // over the joined tables would scan every certificate instead.
        var term = Search.Trim();
        var upper = term.ToUpperInvariant();
        var owners = db.Users.Where(u => u.NormalizedEmail!.Contains(upper) || u.DisplayName.ToUpper().Contains(upper)
                                         || (u.EmployeeId != null && u.EmployeeId.ToUpper() == upper))
            .Select(u => u.Id);
        var byOwner = query.Where(c => owners.Contains(c.UserId));
        if (SerialPrefix(term) is { } prefix)
        {
            // Every serial starting with the prefix sorts between it and the prefix followed by "G"
            // (serials hold only 0-9 and A-F): a range on the unique index, never a scan.
            var end = prefix + "G";
            return byOwner.Union(query.Where(c => string.Compare(c.SerialNumber, prefix) >= 0 && string.Compare(c.SerialNumber, end) < 0));
        }
        return byOwner;
    }

    /// <summary>
    /// The start of a serial as people copy it (any case, colons or spaces between bytes), at least
    /// four hex digits so a short name is not also read as a serial; null when it is not one.
    /// </summary>
    internal static string? SerialPrefix(string term)
    {
        var digits = string.Concat(term.Where(c => c is not (':' or ' ' or '-'))).ToUpperInvariant();
        return digits.Length >= 4 && digits.Length <= 40 && digits.All(Uri.IsHexDigit) ? digits : null;
    }

    /// <summary>
    /// The chosen order. Ties fall back to issue order in the same direction, so pages never overlap
    /// and SQLite can walk the NotAfter index both ways instead of sorting.
    /// </summary>
    public IQueryable<IssuedCertificate> Order(IQueryable<IssuedCertificate> query) => (Sort, Descending) switch
    {
        (CertificateSort.Expires, false) => query.OrderBy(c => c.NotAfter).ThenBy(c => c.Id),
        (CertificateSort.Expires, true) => query.OrderByDescending(c => c.NotAfter).ThenByDescending(c => c.Id),
        (CertificateSort.Serial, false) => query.OrderBy(c => c.SerialNumber),
        (CertificateSort.Serial, true) => query.OrderByDescending(c => c.SerialNumber),
        (CertificateSort.Owner, false) => query.OrderBy(c => c.User!.NormalizedEmail).ThenBy(c => c.Id),
        (CertificateSort.Owner, true) => query.OrderByDescending(c => c.User!.NormalizedEmail).ThenByDescending(c => c.Id),
        (CertificateSort.EmployeeId, false) => query.OrderBy(c => c.User!.EmployeeId).ThenBy(c => c.Id),
        (CertificateSort.EmployeeId, true) => query.OrderByDescending(c => c.User!.EmployeeId).ThenByDescending(c => c.Id),
        (CertificateSort.Profile, false) => query.OrderBy(c => c.Profile).ThenBy(c => c.Id),
        (CertificateSort.Profile, true) => query.OrderByDescending(c => c.Profile).ThenByDescending(c => c.Id),
        // Issue order is the row order: the primary key, no extra index needed.
        (_, false) => query.OrderBy(c => c.Id),
        _ => query.OrderByDescending(c => c.Id),
    };

    /// <summary>The query string of the export link for this filter.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("search", Search?.Trim());
        Add("status", Status == CertificateStatusFilter.All ? null : Status.ToString());
        Add("issuedFrom", Format(IssuedFrom));
        Add("issuedTo", Format(IssuedTo));
        Add("expiresFrom", Format(ExpiresFrom));
        Add("expiresTo", Format(ExpiresTo));
        Add("sort", Sort == CertificateSort.Issued ? null : Sort.ToString());
        Add("order", Descending ? null : "asc");
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    /// <summary>Reads an export link back; anything unreadable is refused, not guessed.</summary>
    public static bool TryParse(IQueryCollection values, out CertificateQuery query)
    {
        query = new CertificateQuery(values["search"].ToString() is { Length: > 0 and <= 200 } search ? search : null);
        if (!TryEnum(values["status"], CertificateStatusFilter.All, out var status) || !TryEnum(values["sort"], CertificateSort.Issued, out var sort)
            || !TryDate(values["issuedFrom"], out var issuedFrom) || !TryDate(values["issuedTo"], out var issuedTo)
            || !TryDate(values["expiresFrom"], out var expiresFrom) || !TryDate(values["expiresTo"], out var expiresTo)
            || values["order"].ToString() is not ("" or "asc" or "desc") || values["search"].ToString().Length > 200)
        {
            return false;
        }
        query = query with
        {
            Status = status, Sort = sort, IssuedFrom = issuedFrom, IssuedTo = issuedTo, ExpiresFrom = expiresFrom, ExpiresTo = expiresTo,
            Descending = values["order"].ToString() != "asc",
        };
        return true;
    }

    private static DateTime? Start(DateOnly? day) => day?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static DateTime? End(DateOnly? day) => day?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    private static string? Format(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryEnum<T>(string? text, T fallback, out T value) where T : struct, Enum
    {
        value = fallback;
        return string.IsNullOrEmpty(text) || (Enum.TryParse(text, ignoreCase: false, out value) && Enum.IsDefined(value));
    }

    private static bool TryDate(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            day = parsed;
            return true;
        }
        return false;
    }
}
