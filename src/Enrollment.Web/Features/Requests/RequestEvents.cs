using Enrollment.Data.Entities;

namespace Enrollment.Web.Features.Requests;

/// <summary>A request changed state: open queues and "my requests" pages refresh without a reload.</summary>
public sealed record RequestChange(Guid RequestId, string RequesterId, RequestState State);

/// <summary>
/// In-process notifications to open circuits. One portal process is the supported deployment of the
/// SQLite default; a second process would see changes at its next reload.
/// </summary>
public sealed class RequestEvents
{
    public event Action<RequestChange>? Changed;

    public void Publish(RequestChange change) => Changed?.Invoke(change);
}
