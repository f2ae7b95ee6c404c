namespace Enrollment.Web.Shared;

/// <summary>
/// How the portal writes its data directory: whole files (a reader sees the old one or the new one,
/// never half) and, for anything that holds a secret, readable by the portal's own user only. The
/// directory itself is created 0700. Modes are no-ops on Windows, where the ACLs are the operator's.
/// </summary>
public static class DataFiles
{
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory 0700 when it does not exist yet; an existing one keeps the mode its operator gave it.</summary>
    public static void CreateOwnerOnlyDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerDirectory);
        }
    }

    /// <summary>Makes an existing file 0600.</summary>
    public static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, OwnerFile);
        }
    }

    /// <summary>
    /// Writes to a temporary file (0600 from its creation when <paramref name="ownerOnly"/>), flushes it
    /// to disk, then renames it over the target. The temporary file is the call's own: two writers of
    /// one file (the portal and an admin verb, two threads) each rename a whole file, the last one wins.
    /// </summary>
    public static void WriteWhole(string path, ReadOnlySpan<byte> content, bool ownerOnly = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFile;
        }
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
