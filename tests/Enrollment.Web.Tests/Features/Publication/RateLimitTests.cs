using System.Net;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Publication;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Pki_MoreRequestsThanTheBurst_AreRefusedWith429()
    {
        await using var portal = await RunningPortal.StartAsync("--Enrollment:RateLimits:PublicPerSecond=1", "--Enrollment:RateLimits:PublicBurst=3");
        using var client = portal.Client();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync(new Uri(portal.Http, "pki/root.crt"));
            codes.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, codes[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
    }
}
