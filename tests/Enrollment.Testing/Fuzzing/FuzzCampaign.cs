using System.Diagnostics;

namespace Enrollment.Testing.Fuzzing;

/// <summary>How one input ended: accepted, refused with a message, or a crash (an escaped exception or a 5xx).</summary>
public sealed record FuzzOutcome(bool Accepted, string? Refusal, string? Crash)
{
    public static readonly FuzzOutcome Accept = new(true, null, null);

    public static FuzzOutcome Refuse(string? message) => new(false, message, null);

    public static FuzzOutcome Crashed(string what) => new(false, null, what);
}

/// <summary>A parser that takes outside input, its valid samples, and how to feed it one input.</summary>
public sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Samples, Func<byte[], Task<FuzzOutcome>> Try);

/// <summary>What a target did with its inputs; <see cref="Crashes"/> and <see cref="Unexplained"/> must be empty.</summary>
public sealed record FuzzReport(string Target, int Inputs, int Accepted, int Refused, IReadOnlyList<string> Crashes, IReadOnlyList<string> Unexplained, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"{Target}: inputs={Inputs} accepted={Accepted} refused={Refused} crashes={Crashes.Count} unexplained={Unexplained.Count} seconds={Elapsed.TotalSeconds:F1}";
}

public static class FuzzCampaign
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
        return new FuzzReport(target.Name, inputs, accepted, refused, crashes, unexplained, watch.Elapsed);
    }
}
