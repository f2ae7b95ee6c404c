namespace Enrollment.Testing;

/// <summary>The checkout the tests run from: shipped files (nginx template, scripts) and node_modules are read from it.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Enrollment.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Enrollment.sln not found above the test binaries.");
    }
}
