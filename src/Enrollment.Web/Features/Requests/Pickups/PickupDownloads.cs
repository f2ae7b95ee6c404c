using Microsoft.JSInterop;

namespace Enrollment.Web.Features.Requests.Pickups;

/// <summary>Hands bytes from the server to the pickup module, which saves them as a file in the browser.</summary>
public static class PickupDownloads
{
    public static async Task DownloadAsync(this IJSObjectReference module, string fileName, string contentType, byte[] content)
    {
        using var stream = new MemoryStream(content);
        using var reference = new DotNetStreamReference(stream);
        await module.InvokeVoidAsync("download", fileName, contentType, reference);
    }
}
