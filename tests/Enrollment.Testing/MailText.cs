namespace Enrollment.Testing;

/// <summary>Reads the .eml files the portal writes to its mail pickup folder.</summary>
public static class MailText
{
    /// <summary>The decoded body of the newest message to the address, or null when there is none.</summary>
    public static string? NewestTo(string folder, string address) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.eml").Select(f => (Time: File.GetLastWriteTimeUtc(f), Text: File.ReadAllText(f)))
                .Where(m => m.Text.Contains("To: " + address, StringComparison.OrdinalIgnoreCase))
                .OrderBy(m => m.Time).Select(m => Decode(m.Text)).LastOrDefault()
            : null;

    /// <summary>The message body, whatever transfer encoding SmtpClient chose.</summary>
    public static string Decode(string message)
    {
        var body = message[(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        if (message.Contains("Content-Transfer-Encoding: base64", StringComparison.OrdinalIgnoreCase))
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split("\r\n"))));
        }
        // quoted-printable: soft line breaks and =XX escapes.
        var joined = body.Replace("=\r\n", string.Empty, StringComparison.Ordinal);
        var bytes = new List<byte>();
        for (var i = 0; i < joined.Length; i++)
        {
            if (joined[i] == '=' && i + 2 < joined.Length && Uri.IsHexDigit(joined[i + 1]) && Uri.IsHexDigit(joined[i + 2]))
            {
                bytes.Add(Convert.ToByte(joined.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)joined[i]);
            }
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }
}
