using System.Diagnostics;

namespace Enrollment.Testing.Fuzzing;

/// <summary>
/// How one input ended: accepted, refused with a message, or a crash (an escaped exception or a 5xx).
/// An acceptance may carry a note on how the input was read ("ignores bytes after the end").
/// </summary>
public sealed record FuzzOutcome(bool Accepted, string? Refusal, string? Crash, string? Note = null)
{
    public static readonly FuzzOutcome Accept = new(true, null, null);

    public static FuzzOutcome AcceptNoting(string? note) => new(true, null, null, note);

    public static FuzzOutcome Refuse(string? message) => new(false, message, null);

    public static FuzzOutcome Crashed(string what) => new(false, null, what);
}

/// <summary>
/// A parser that takes outside input, its valid samples, and how to feed it one input; where an
/// independent reader of the same format exists, that reader (<see cref="Peer"/>, BouncyCastle's),
/// whose verdict on every input is compared with ours.
/// </summary>
public sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Samples, Func<byte[], Task<FuzzOutcome>> Try, Func<byte[], FuzzOutcome>? Peer = null);

/// <summary>
/// What a target did with its inputs; <see cref="Crashes"/> and <see cref="Unexplained"/> (refusals
/// without a message, and disagreements of a kind <see cref="KnownDisagreements"/> does not explain) must be
/// empty. <see cref="Disagreements"/> counts, by kind, the inputs one reader accepted and the other
/// refused ("ours refuses (message) / peer accepts"), with the first such input of each kind.
/// </summary>
public sealed record FuzzReport(string Target, int Inputs, int Accepted, int Refused, IReadOnlyList<string> Crashes, IReadOnlyList<string> Unexplained,
    TimeSpan Elapsed, IReadOnlyDictionary<string, Disagreement> Disagreements)
{
    public override string ToString() =>
        $"{Target}: inputs={Inputs} accepted={Accepted} refused={Refused} crashes={Crashes.Count} unexplained={Unexplained.Count} "
        + $"disagreements={Disagreements.Values.Sum(d => d.Count)} seconds={Elapsed.TotalSeconds:F1}";
}

/// <summary>One kind of disagreement between our reader and the peer's: how often, and the whole first input (hex), to study it.</summary>
public sealed record Disagreement(int Count, string FirstInput);

public static partial class FuzzCampaign
{
    /// <summary>Feeds <paramref name="inputs"/> mutants of the target's samples, seeded, and sorts the outcomes.</summary>
    public static async Task<FuzzReport> RunAsync(FuzzTarget target, int inputs, int seed)
    {
        var mutator = new Mutator(seed, target.Samples);
        var watch = Stopwatch.StartNew();
        var accepted = 0;
        var refused = 0;
        var crashes = new List<string>();
        var unexplained = new List<string>();
        var disagreements = new SortedDictionary<string, Disagreement>(StringComparer.Ordinal);
        for (var i = 0; i < inputs; i++)
        {
            var input = mutator.Next();
            FuzzOutcome outcome;
            try
            {
                outcome = await target.Try(input);
            }
#pragma warning disable CA1031 // Any exception escaping a parser is exactly what the campaign counts.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = FuzzOutcome.Crashed($"{e.GetType().Name}: {e.Message}");
            }
            if (outcome.Crash is null && target.Peer?.Invoke(input) is { } peer && peer.Accepted != outcome.Accepted)
            {
                var kind = $"ours {Verdict(outcome)} / peer {Verdict(peer)}";
                disagreements[kind] = disagreements.TryGetValue(kind, out var seen)
                    ? seen with { Count = seen.Count + 1 }
                    : new Disagreement(1, Convert.ToHexString(input));
            }
            if (outcome.Crash is { } crash)
            {
                crashes.Add($"#{i} {crash} input={Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 64)))}");
            }
            else if (outcome.Accepted)
            {
                accepted++;
            }
            else
            {
                refused++;
                if (string.IsNullOrWhiteSpace(outcome.Refusal))
                {
                    unexplained.Add($"#{i} refused without a message");
                }
            }
        }
        unexplained.AddRange(disagreements.Where(d => KnownDisagreements.Explain(d.Key) is null)
            .Select(d => $"disagreement not explained in KnownDisagreements: {d.Key} ({d.Value.Count}, first input {d.Value.FirstInput})"));
        return new FuzzReport(target.Name, inputs, accepted, refused, crashes, unexplained, watch.Elapsed, disagreements);
    }

    /// <summary>"accepts", or "refuses (message)" with digits masked so that one rule makes one kind.</summary>
    private static string Verdict(FuzzOutcome outcome) =>
        outcome.Accepted ? (outcome.Note is null ? "accepts" : $"accepts ({outcome.Note})") : $"refuses ({Digits().Replace(outcome.Refusal ?? "", "#")})";

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex Digits();
}
