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

/// <summary>NSS's own chain verifier (vfychain), with a test CA's root trusted in a fresh database.</summary>
public static class Nss
{
    public static string TrustingRoot(TestAuthority ca) =>
        CreateDatabase(Path.Combine(ca.Files.Path, $"nssdb-{Guid.NewGuid():N}"), ca.RootPem);

    /// <summary>A new NSS database in <paramref name="database"/> that trusts these roots (PEM files) for TLS.</summary>
    public static string CreateDatabase(string database, params string[] trustedRootPems)
    {
        Directory.CreateDirectory(database);
        Ok(Command.Run("certutil", database, "-N", "-d", "sql:" + database, "--empty-password"));
        foreach (var (pem, index) in trustedRootPems.Select((pem, index) => (pem, index)))
        {
            Ok(Command.Run("certutil", database, "-A", "-d", "sql:" + database, "-n", $"root-{index}", "-t", "CT,C,C", "-a", "-i", pem));
        }
        return database;
    }

    /// <summary>vfychain -u: 0 is an SSL client, 1 an SSL server.</summary>
    public static CommandResult VerifyChain(TestAuthority ca, string database, string usage, System.Security.Cryptography.X509Certificates.X509Certificate2 leaf) =>
        Command.Run("vfychain", ca.Files.Path, "-d", "sql:" + database, "-u", usage, "-a",
            ca.Files.Write($"nss-leaf-{Guid.NewGuid():N}.pem", leaf.ExportCertificatePem()), "-a", ca.IssuingPem);

    private static void Ok(CommandResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.All);
        }
    }
}
