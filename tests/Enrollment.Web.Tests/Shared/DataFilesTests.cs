using Enrollment.Testing;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Tests.Shared;

public sealed class DataFilesTests
{
    /// <summary>
    /// The portal and an admin verb checkpoint the audit log into one file; with one shared temporary
    /// name a writer's rename found the other's file gone (a backup verb failed in CI on this).
    /// </summary>
    [Fact]
    public void WriteWhole_ByEightWritersAtOnce_NeverFails_AndLeavesOneWholeFile()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("checkpoint.json");
        var contents = Enumerable.Range(0, 8).Select(i => new string((char)('a' + i), 4096)).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(contents.Length);

        var writers = contents.Select(content => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 300; round++)
            {
                try
                {
                    DataFiles.WriteWhole(path, System.Text.Encoding.ASCII.GetBytes(content));
                }
                catch (IOException e)
                {
                    failures.Add(e);
                }
            }
        })).ToList();
        writers.ForEach(w => w.Start());
        writers.ForEach(w => w.Join());

        Assert.Empty(failures.Select(f => f.Message).Distinct());

        Assert.Contains(File.ReadAllText(path), contents);
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }
}
