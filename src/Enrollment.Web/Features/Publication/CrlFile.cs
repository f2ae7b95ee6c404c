using System.Security.Cryptography;
using Enrollment.Ca.Revocation;

namespace Enrollment.Web.Features.Publication;

/// <summary>A CRL as served: its bytes and header facts.</summary>
public sealed record PublishedCrl(byte[] Der, CrlInfo Info, string ETag);

/// <summary>
/// A CRL file in the data directory, the copy shared between processes: re-read only when it
/// changed, so one written by an admin verb in another process is served at once.
/// </summary>
public sealed class CrlFile(string path)
{
    private (DateTime Stamp, PublishedCrl Crl)? loaded;

    public string Path { get; } = path;

    /// <summary>The CRL on disk, or null while there is none.</summary>
    public PublishedCrl? Current
    {
        get
        {
            var stamp = File.GetLastWriteTimeUtc(Path);
            if (loaded is { } cached && cached.Stamp == stamp)
            {
                return cached.Crl;
            }
            if (!File.Exists(Path))
            {
                return null;
            }
            var der = File.ReadAllBytes(Path);
            var crl = new PublishedCrl(der, CrlInfo.Read(der), Convert.ToHexString(SHA256.HashData(der))[..32]);
            loaded = (stamp, crl);
            return crl;
        }
    }
}
