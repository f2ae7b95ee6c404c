using Microsoft.AspNetCore.Identity;

namespace Enrollment.Data.Entities;

/// <summary>An employee account: Identity's fields plus what a certificate subject needs.</summary>
public sealed class EnrollmentUser : IdentityUser
{
    /// <summary>CN= of the user's certificates.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>serialNumber= of the subject and the default ownership matching key. Set by admins only.</summary>
    public string? EmployeeId { get; set; }

    /// <summary>UPN otherName of the SAN; the email when empty. Set by admins only.</summary>
    public string? Upn { get; set; }

    /// <summary>A disabled account cannot sign in and loses its sessions at the next revalidation.</summary>
    public bool Disabled { get; set; }

    /// <summary>Set for accounts created with a one-time password (the bootstrap admin).</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreatedAt { get; set; }
}
