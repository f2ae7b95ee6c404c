namespace Enrollment.Web.Features.Approvals;

/// <summary>What the approver chose in the decision dialog.</summary>
public sealed record Decision(QueueRow Row, bool Approve, string? Comment, bool Next);

/// <summary>
/// How a decision ended, in the approver's language: recorded; gone (decided by another approver
/// or cancelled meanwhile, so the dialog closes); or refused with a message that stays in the dialog.
/// </summary>
public sealed record DecisionOutcome(bool Recorded, string Message, bool Gone = false, bool AboutTheComment = false, bool Next = false);
