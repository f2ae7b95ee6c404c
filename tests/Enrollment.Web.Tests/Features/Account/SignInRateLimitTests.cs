using System.Net;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Account;

public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task SignInPosts_BeyondTheLimit_AreRefusedWith429WhilePagesStillLoad()
    {
        await using var portal = await RunningPortal.StartAsync("--Enrollment:RateLimits:SignInPerMinute=3");
        using var client = portal.Client();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "x@example.com", ["Input.Password"] = "guess" + i });
            using var response = await client.PostAsync(new Uri(portal.Https, "account/login"), form);
            codes.Add(response.StatusCode);
        }
        using var page = await client.GetAsync(new Uri(portal.Https, "account/login"));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes.Take(3));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes.Skip(3));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
