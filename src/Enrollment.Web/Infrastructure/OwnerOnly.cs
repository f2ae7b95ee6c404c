namespace Enrollment.Web.Infrastructure;

/// <summary>
/// The data directory holds the database, keys and mail with live links: it is created readable by
/// the portal's own user only (0700), and the database file is made 0600 (SQLite gives its journal
/// files the same mode). No-ops on Windows, where the directory's ACLs are the operator's to set.
/// </summary>
public static class OwnerOnly
{
    private const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory 0700 when it does not exist yet; an existing one keeps the mode its operator gave it.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
        }
        else if (!System.IO.Directory.Exists(path))
        {
            System.IO.Directory.CreateDirectory(path, Directory);
        }
    }

    /// <summary>Makes an existing file 0600.</summary>
    public static void RestrictFile(string path)
    {
        if (!OperatingSystem.IsWindows() && System.IO.File.Exists(path))
        {
            System.IO.File.SetUnixFileMode(path, File);
        }
    }
}
