using System.Threading.Channels;
using Enrollment.Data.Entities;

namespace Enrollment.Web.Features.Requests;

/// <summary>A request changed state: open queues and "my requests" pages refresh without a reload.</summary>
public sealed record RequestChange(Guid RequestId, string RequesterId, RequestState State);

/// <summary>
/// Notifications to open circuits. A change made on this node is raised here at once and, when
/// several nodes share the database, handed to the relay that tells the others
/// (<see cref="PostgreSqlRequestRelay"/>, <see cref="PollingRequestRelay"/>).
/// </summary>
public sealed class RequestEvents
{
    // Bounded: a relay that cannot reach the database must not hold changes without end; the pages reload on their next change.
    private readonly Channel<RequestChange> outgoing = Channel.CreateBounded<RequestChange>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public event Action<RequestChange>? Changed;

    /// <summary>Whether a relay sends this node's changes to the others.</summary>
    public bool Relayed { get; set; }

    /// <summary>A change made on this node.</summary>
    public void Publish(RequestChange change)
    {
        Changed?.Invoke(change);
        if (Relayed)
        {
            outgoing.Writer.TryWrite(change);
        }
    }

    /// <summary>A change another node made, as its relay delivered it.</summary>
    public void Raise(RequestChange change) => Changed?.Invoke(change);

    /// <summary>This node's changes for the relay to send.</summary>
    public ChannelReader<RequestChange> Outgoing => outgoing.Reader;
}
