using System.ComponentModel.DataAnnotations;

namespace Enrollment.Web.Features.Certificates.Expiry;

/// <summary>Enrollment:Expiry: when owners hear that a certificate is ending, and how often the sweep runs.</summary>
public sealed class ExpiryOptions
{
    public const string SectionName = "Enrollment:Expiry";

    /// <summary>Days before the end of validity at which the owner gets a reminder; each is sent once.</summary>
    public List<int> ReminderDays { get; set; } = [30, 7];

    /// <summary>Minutes between sweeps (reminders, expiries, lapsed approvals).</summary>
    [Range(1, 24 * 60)]
    public int SweepMinutes { get; set; } = 60;
}
