namespace Enrollment.Data.Entities;

/// <summary>
/// The RFC 6238 time step of the last TOTP code a user signed in with. A code for that step or an
/// earlier one is refused, so each code works once (Identity alone accepts it again for about 90 s).
/// Kept out of the user row on purpose: Identity's store rewrites every user column on update and
/// could write a stale step back.
/// </summary>
public sealed class AuthenticatorStep
{
    public string UserId { get; set; } = string.Empty;

    public long LastStep { get; set; }
}
