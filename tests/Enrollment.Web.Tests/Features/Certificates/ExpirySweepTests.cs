using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Certificates.Expiry;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Certificates;

/// <summary>
/// The expiry sweep over real records: reminders at 30 and 7 days, once each and never for a
/// renewed certificate; ended certificates recorded once; closed pickup windows lapse.
/// </summary>
public sealed class ExpirySweepTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Sweep_RemindsAtThirtyThenSevenDays_OnceEach()
    {
        var owner = await OwnerAsync("ending");
        var (serial, _) = await fixture.IssueAsync(owner);
        await EndsInAsync(serial, TimeSpan.FromDays(20));

        await Sweep().SweepAsync(default);
        await Sweep().SweepAsync(default);
        var afterThirty = MailsTo(owner.Email!);
        await EndsInAsync(serial, TimeSpan.FromDays(5));
        await Sweep().SweepAsync(default);
        await Sweep().SweepAsync(default);

        Assert.Single(afterThirty);
        Assert.Contains(serial, afterThirty[0], StringComparison.Ordinal);
        Assert.Contains("20 day(s) from now", afterThirty[0], StringComparison.Ordinal);
        Assert.Contains("あと 20 日", afterThirty[0], StringComparison.Ordinal);
        var all = MailsTo(owner.Email!);
        Assert.Equal(2, all.Count);
        Assert.Contains(all, m => m.Contains("5 day(s) from now", StringComparison.Ordinal));
        Assert.Equal(7, (await StoredAsync(serial)).ReminderDaysSent);
        Assert.Equal(2, await EventsAsync("certificate.expiry-reminder", serial));
    }

    [Fact]
    public async Task Sweep_FirstSeeingACertificateWithFiveDaysLeft_SendsOnlyTheSevenDayReminder()
    {
        var owner = await OwnerAsync("late");
        var (serial, _) = await fixture.IssueAsync(owner);
        await EndsInAsync(serial, TimeSpan.FromDays(5));

        await Sweep().SweepAsync(default);

        Assert.Single(MailsTo(owner.Email!));
        Assert.Equal(7, (await StoredAsync(serial)).ReminderDaysSent);
    }

    [Fact]
    public async Task Sweep_ForACertificateAlreadyRenewed_SendsNoReminder()
    {
        var owner = await OwnerAsync("renewed");
        var (old, _) = await fixture.IssueAsync(owner);
        await fixture.IssueAsync(owner);
        await EndsInAsync(old, TimeSpan.FromDays(3));

        await Sweep().SweepAsync(default);

        Assert.Empty(MailsTo(owner.Email!));
        Assert.Null((await StoredAsync(old)).ReminderDaysSent);
    }

    [Fact]
    public async Task Sweep_TwoPortalsAtOnce_SendOneReminder()
    {
        var owner = await OwnerAsync("twice");
        var (serial, _) = await fixture.IssueAsync(owner);
        await EndsInAsync(serial, TimeSpan.FromDays(6));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Sweep().SweepAsync(default))));

        Assert.Single(MailsTo(owner.Email!));
        Assert.Equal(1, await EventsAsync("certificate.expiry-reminder", serial));
    }

    /// <summary>Several nodes (here: sweeps in parallel) record an ended certificate once, in the records and in the audit log.</summary>
    [Fact]
    public async Task Sweep_ManyAtOnce_RecordEachEndedCertificateOnce()
    {
        var owner = await OwnerAsync("ended-at-once");
        var serials = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (serial, _) = await fixture.IssueAsync(owner);
            await EndsInAsync(serial, TimeSpan.FromHours(-1));
            serials.Add(serial);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Sweep().SweepAsync(default))));

        foreach (var serial in serials)
        {
            Assert.Equal(1, await EventsAsync("certificate.expired", serial));
        }
        Assert.True(results.Sum(r => r.MarkedExpired) >= serials.Count);
    }

    [Fact]
    public async Task Sweep_RecordsAnEndedCertificateOnce_AndLeavesValidOnesAlone()
    {
        var owner = await OwnerAsync("ended");
        var (ended, _) = await fixture.IssueAsync(owner);
        var (valid, _) = await fixture.IssueAsync(owner);
        await EndsInAsync(ended, TimeSpan.FromHours(-1));

        var first = await Sweep().SweepAsync(default);
        var second = await Sweep().SweepAsync(default);

        Assert.True(first.MarkedExpired >= 1);
        Assert.Equal(0, second.MarkedExpired);
        Assert.NotNull((await StoredAsync(ended)).ExpiredAt);
        Assert.Null((await StoredAsync(valid)).ExpiredAt);
        Assert.Equal(1, await EventsAsync("certificate.expired", ended));
    }

    [Fact]
    public async Task Sweep_LapsesAnApprovalWhosePickupWindowClosed()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Requests.Where(r => r.Id == id)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.PickupDeadline, DateTime.UtcNow.AddMinutes(-1)));
        }

        var result = await Sweep().SweepAsync(default);

        Assert.True(result.ApprovalsLapsed >= 1);
        Assert.Equal(RequestState.Lapsed, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    private ExpirySweep Sweep() => fixture.Portal.Services.GetRequiredService<ExpirySweep>();

    private async Task<EnrollmentUser> OwnerAsync(string name)
    {
        var user = await fixture.AddUserAsync($"{name}-{Guid.NewGuid():N}@example.com", "X-" + Guid.NewGuid().ToString("N")[..8]);
        return user;
    }

    /// <summary>Moves the recorded end of validity; the sweep works from the records.</summary>
    private async Task EndsInAsync(string serial, TimeSpan fromNow)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var notAfter = DateTime.UtcNow + fromNow - TimeSpan.FromMinutes(1);
        await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.Where(c => c.SerialNumber == serial)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.NotAfter, notAfter));
    }

    private async Task<IssuedCertificate> StoredAsync(string serial)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.AsNoTracking().SingleAsync(c => c.SerialNumber == serial);
    }

    private async Task<int> EventsAsync(string type, string serial)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().AuditEvents.CountAsync(e => e.EventType == type && e.Target == serial);
    }

    private List<string> MailsTo(string address)
    {
        var folder = fixture.Portal.Services.GetRequiredService<PickupEmailSender>().PickupDirectory;
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.eml").Select(File.ReadAllText)
                .Where(m => m.Contains("To: " + address, StringComparison.OrdinalIgnoreCase)).Select(Testing.MailText.Decode).ToList()
            : [];
    }
}
