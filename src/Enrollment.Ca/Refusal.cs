namespace Enrollment.Ca;

/// <summary>
/// An expected failure the user can act on: a stable <see cref="Code"/> the UI localises, and an
/// English <see cref="Message"/> for the command line, the API and the logs.
/// </summary>
public sealed record Refusal(string Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
