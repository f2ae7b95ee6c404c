using System.Text.RegularExpressions;

namespace Enrollment.Web.Features.Admin.Audit;

/// <summary>
/// An audit row's details read as labelled fields. Events write them as <c>key=value</c> pairs
/// ("reason=keyCompromise", "requester=… comment=Looks right"); a value runs to the next key, so it
/// may hold spaces. Details written as a sentence are not fields and are shown as they are.
/// </summary>
public static partial class AuditDetails
{
    /// <summary>The fields in order, or null when the details do not start with a field.</summary>
    public static IReadOnlyList<AuditField>? Fields(string details)
    {
        var keys = Key().Matches(details);
        if (keys.Count == 0 || keys[0].Index != 0)
        {
            return null;
        }
        var fields = new List<AuditField>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var start = keys[i].Index + keys[i].Length;
            var end = i + 1 < keys.Count ? keys[i + 1].Index : details.Length;
            fields.Add(new AuditField(keys[i].Groups["key"].Value, details[start..end].Trim()));
        }
        return fields;
    }

    /// <summary>A key starts the text or follows a space, and is lower camel case: "CN=" or "O=" inside a subject value are not keys.</summary>
    [GeneratedRegex("(?<=^|\\s)(?<key>[a-z][a-zA-Z]*)=", RegexOptions.CultureInvariant)]
    private static partial Regex Key();
}

public sealed record AuditField(string Key, string Value);

/// <summary>Who or what an id in the audit log stands for.</summary>
public sealed record AuditName(AuditNameKind Kind, string Name, string? Email);

public enum AuditNameKind
{
    User,
    Request,
}
