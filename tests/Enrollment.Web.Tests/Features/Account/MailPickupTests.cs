using Enrollment.Web.Features.Account;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>Mail written to the pickup folder may hold a live link: it does not stay there past the link's life.</summary>
public sealed class MailPickupTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task SendingMail_DeletesPickupFilesOlderThanTheRetention_AndKeepsNewerOnes()
    {
        var sender = fixture.Portal.Services.GetRequiredService<PickupEmailSender>();
        Directory.CreateDirectory(sender.PickupDirectory);
        var stale = Path.Combine(sender.PickupDirectory, $"stale-{Guid.NewGuid():N}.eml");
        var recent = Path.Combine(sender.PickupDirectory, $"recent-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(stale, "a reset link from two days ago");
        await File.WriteAllTextAsync(recent, "a reset link from an hour ago");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow.AddHours(-1));

        await sender.SendAsync("someone@example.com", "subject", "body");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(recent));
    }
}
