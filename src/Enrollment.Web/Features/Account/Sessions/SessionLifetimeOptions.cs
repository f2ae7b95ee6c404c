using System.ComponentModel.DataAnnotations;

namespace Enrollment.Web.Features.Account.Sessions;

/// <summary>How long a signed-in session lasts, section "Enrollment:Sessions".</summary>
public sealed class SessionLifetimeOptions
{
    public const string SectionName = "Enrollment:Sessions";

    /// <summary>Minutes without a request after which the session ends. Defaults to 30.</summary>
    [Range(1, 24 * 60)]
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>Hours after sign-in at which the session ends, however active. Defaults to 8.</summary>
    [Range(1, 24 * 30)]
    public int AbsoluteLifetimeHours { get; set; } = 8;

    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);

    public TimeSpan AbsoluteLifetime => TimeSpan.FromHours(AbsoluteLifetimeHours);
}
