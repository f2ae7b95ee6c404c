using System.Diagnostics;

/// <summary>The in-process benches' timing: one warm-up run, then the median of measured runs.</summary>
internal static class Timing
{
    public static double Median(int rounds, Action run)
    {
        run();
        var seconds = Enumerable.Range(0, rounds).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            run();
            return watch.Elapsed.TotalSeconds;
        }).Order().ToList();
        return seconds[rounds / 2];
    }
}
