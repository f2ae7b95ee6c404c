namespace Enrollment.Ca.Revocation;

/// <summary>CRLReason (RFC 5280 5.3.1). certificateHold (6) is deliberately absent: we never suspend.</summary>
public enum RevocationReason
{
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    PrivilegeWithdrawn = 9,
}

public static class RevocationReasons
{
    /// <summary>The reasons an operator may choose, by their RFC 5280 names.</summary>
    public static readonly IReadOnlyDictionary<string, RevocationReason> ByName =
        new Dictionary<string, RevocationReason>(StringComparer.OrdinalIgnoreCase)
        {
            ["unspecified"] = RevocationReason.Unspecified,
            ["keyCompromise"] = RevocationReason.KeyCompromise,
            ["affiliationChanged"] = RevocationReason.AffiliationChanged,
            ["superseded"] = RevocationReason.Superseded,
            ["cessationOfOperation"] = RevocationReason.CessationOfOperation,
            ["privilegeWithdrawn"] = RevocationReason.PrivilegeWithdrawn,
        };

    public static string Name(this RevocationReason reason) =>
        ByName.FirstOrDefault(p => p.Value == reason).Key ?? reason.ToString();

    public static bool TryParse(string? text, out RevocationReason reason)
    {
        reason = RevocationReason.Unspecified;
        return text is not null && ByName.TryGetValue(text.Trim(), out reason);
    }
}
