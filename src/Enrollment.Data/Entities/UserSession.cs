namespace Enrollment.Data.Entities;

/// <summary>
/// A signed-in session, kept on the server: the browser's cookie holds only <see cref="Id"/>, so
/// signing out deletes the row and a copy of the cookie taken before is worth nothing.
/// </summary>
public sealed class UserSession
{
    /// <summary>Random and unguessable; also carried as a claim so an open page can check its session.</summary>
    public string Id { get; set; } = string.Empty;

    public string UserId { get; set; } = string.Empty;

    /// <summary>Sign-in time: the absolute lifetime counts from here, whatever the activity.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>End of the idle timeout, moved on by activity (the cookie's sliding expiration).</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>The authentication ticket, serialized and sealed with Data Protection.</summary>
    public byte[] Ticket { get; set; } = [];
}
