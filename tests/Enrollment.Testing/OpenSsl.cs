using System.Diagnostics;

namespace Enrollment.Testing;

/// <summary>What a command printed and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;
}

/// <summary>Runs OpenSSL (and other command-line peers) as independent judges of what the CA produces.</summary>
public static class OpenSsl
{
    public static CommandResult Run(string workingDirectory, params string[] arguments) =>
        Command.Run("openssl", workingDirectory, arguments);

    /// <summary>Runs and fails the test with OpenSSL's own words when it exits non-zero.</summary>
    public static string Ok(string workingDirectory, params string[] arguments)
    {
        var result = Run(workingDirectory, arguments);
        return result.ExitCode == 0
            ? result.All
            : throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.All}");
    }
}

public static class Command
{
    public static CommandResult Run(string program, string workingDirectory, params string[] arguments) =>
        Run(program, workingDirectory, null, arguments);

    public static CommandResult Run(string program, string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 2 minutes");
        }
        return new CommandResult(process.ExitCode, output.Result, error.Result);
    }
}
