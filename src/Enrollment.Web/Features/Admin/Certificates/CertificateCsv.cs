using System.Globalization;
using System.Text;
using Enrollment.Ca.Revocation;
using Enrollment.Web.Features.Certificates;

namespace Enrollment.Web.Features.Admin.Certificates;

/// <summary>
/// The certificate list as CSV (RFC 4180), written row by row as the database yields them, so an
/// export of any size holds one row in memory at a time.
/// </summary>
public static class CertificateCsv
{
    public const string Header = "serial,owner_email,owner_name,employee_id,profile,not_before,not_after,status,revoked_at,revocation_reason,last_seen_at";

    /// <summary>Rows between flushes: the download starts at once and keeps moving.</summary>
    private const int FlushEvery = 500;

    public static async Task<int> WriteAsync(IAsyncEnumerable<CertificateRow> rows, Stream output, DateTime now, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true)
        {
            NewLine = "\r\n",
        };
        await writer.WriteLineAsync(Header);
        var count = 0;
        var line = new StringBuilder(256);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            line.Clear();
            Append(line, row.Serial).Append(',');
            Append(line, row.OwnerEmail).Append(',');
            Append(line, row.OwnerName).Append(',');
            Append(line, row.EmployeeId).Append(',');
            Append(line, row.Profile).Append(',');
            Append(line, Timestamp(row.NotBefore)).Append(',');
            Append(line, Timestamp(row.NotAfter)).Append(',');
            Append(line, Status(row, now)).Append(',');
            Append(line, row.RevokedAt is { } revoked ? Timestamp(revoked) : null).Append(',');
            Append(line, row.RevokedAt is null ? null : (row.Reason ?? RevocationReason.Unspecified).Name()).Append(',');
            Append(line, row.LastSeenAt is { } seen ? Timestamp(seen) : null);
            await writer.WriteLineAsync(line, cancellationToken);
            if (++count % FlushEvery == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        await writer.FlushAsync(cancellationToken);
        return count;
    }

    /// <summary>The status word of the export, the same rule the list uses, in invariant English.</summary>
    public static string Status(CertificateRow row, DateTime now) =>
        row.RevokedAt is not null ? "revoked"
        : row.NotAfter <= now ? "expired"
        : row.NotAfter <= now + CertificateStatusText.ExpiringSoon ? "expiring-soon"
        : "valid";

    private static string Timestamp(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Quotes a field when it needs it, and defuses text a spreadsheet would run as a formula
    /// (a display name such as "=HYPERLINK(...)"), the usual CSV injection. Japanese spreadsheets
    /// also take the full-width signs (＝＋－＠) as the start of a formula.
    /// </summary>
    private static StringBuilder Append(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return line;
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20')
        {
            value = "'" + value;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return line.Append(value);
        }
        return line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
