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

    /// <summary>A person refused at the sign-in form reads, in their language, when to try again; a client reads Retry-After.</summary>
    [Theory]
    [InlineData("en-US", "Try again in")]
    [InlineData("ja-JP", "秒後にもう一度お試しください")]
    public async Task SignInPost_BeyondTheLimit_SaysWhenToRetry_InTheUsersLanguage(string language, string expected)
    {
        await using var portal = await RunningPortal.StartAsync("--Enrollment:RateLimits:SignInPerMinute=1");
        using var client = portal.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        HttpResponseMessage? refused = null;
        for (var i = 0; i < 2; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = "x@example.com", ["Input.Password"] = "guess" + i });
            refused?.Dispose();
            refused = await client.PostAsync(new Uri(portal.Https, "account/login"), form);
        }
        using var response = refused!;
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(expected, body, StringComparison.Ordinal);
        Assert.Contains($"{(int)response.Headers.RetryAfter.Delta.Value.TotalSeconds}", body, StringComparison.Ordinal);
    }
}
