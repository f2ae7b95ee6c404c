using Enrollment.Testing;
using Enrollment.Web.CommandLine;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>The admin verbs run in-process, as an operator runs them, with what they printed.</summary>
public static class AdminVerbs
{
    public static async Task<CommandResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AdminCommandLine.RunAsync(args, output, error);
        // The verb's host is gone; its pooled connections must not keep the database open.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return new CommandResult(code, output.ToString(), error.ToString());
    }
}
