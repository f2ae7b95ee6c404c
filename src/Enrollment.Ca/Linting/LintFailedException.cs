namespace Enrollment.Ca.Linting;

/// <summary>
/// Thrown when the profile linter finds a defect in something about to be signed. It signals a bug
/// or a broken configuration, never bad user input, so it is an exception and not a refusal.
/// </summary>
public sealed class LintFailedException(string what, IReadOnlyList<string> findings)
    : InvalidOperationException($"{what} failed the profile lint: {string.Join("; ", findings)}")
{
    public IReadOnlyList<string> Findings { get; } = findings;
}
