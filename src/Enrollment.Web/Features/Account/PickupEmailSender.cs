using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account;

/// <summary>Outgoing mail, section "Enrollment:Mail".</summary>
public sealed class MailOptions
{
    public const string SectionName = "Enrollment:Mail";

    /// <summary>SMTP server. When empty, messages are written as .eml files to the pickup folder. Defaults to empty.</summary>
    public string? SmtpHost { get; set; }

    /// <summary>SMTP port. Defaults to 587.</summary>
    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    /// <summary>Sender address. Defaults to "enrollment@localhost".</summary>
    [Required, EmailAddress]
    public string From { get; set; } = "enrollment@localhost";

    /// <summary>
    /// Hours a message stays in the pickup folder before it is deleted (it may hold a live link):
    /// as long as an invitation or reset link is valid. Defaults to 24.
    /// </summary>
    [Range(1, 24 * 30)]
    public int PickupRetentionHours { get; set; } = 24;
}

/// <summary>
/// Sends account mail with System.Net.Mail: through SMTP when configured, otherwise into
/// data/mail as .eml files, so a local run needs no mail server and tests can read the links.
/// </summary>
public sealed class PickupEmailSender(
    IOptions<MailOptions> mail, IOptions<EnrollmentOptions> options, IStringLocalizer<Resources.SharedResource> text, TimeProvider time)
    : IEmailSender<EnrollmentUser>
{
    public string PickupDirectory => options.Value.PathOf("mail");

    public Task SendConfirmationLinkAsync(EnrollmentUser user, string email, string confirmationLink) =>
        SendAsync(email, text["MailConfirmSubject"], string.Format(text["MailConfirmBody"], user.DisplayName, confirmationLink));

    public Task SendPasswordResetLinkAsync(EnrollmentUser user, string email, string resetLink) =>
        SendAsync(email, text["MailResetSubject"], string.Format(text["MailResetBody"], user.DisplayName, resetLink));

    public Task SendPasswordResetCodeAsync(EnrollmentUser user, string email, string resetCode) =>
        SendAsync(email, text["MailResetSubject"], string.Format(text["MailResetBody"], user.DisplayName, resetCode));

    public async Task SendAsync(string to, string subject, string body)
    {
        using var message = new MailMessage(mail.Value.From, to, subject, body) { BodyEncoding = System.Text.Encoding.UTF8, SubjectEncoding = System.Text.Encoding.UTF8 };
        var pickup = string.IsNullOrWhiteSpace(mail.Value.SmtpHost);
        if (pickup)
        {
            DeleteExpiredPickupFiles();
        }
        using var client = pickup
            ? new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = Directory.CreateDirectory(PickupDirectory).FullName }
            : new SmtpClient(mail.Value.SmtpHost, mail.Value.SmtpPort) { EnableSsl = true };
        await client.SendMailAsync(message);
    }

    /// <summary>Messages older than the retention may still hold a live link: they go when the next one is written.</summary>
    private void DeleteExpiredPickupFiles()
    {
        if (!Directory.Exists(PickupDirectory))
        {
            return;
        }
        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(mail.Value.PickupRetentionHours);
        foreach (var file in Directory.EnumerateFiles(PickupDirectory, "*.eml").Where(f => File.GetLastWriteTimeUtc(f) < cutoff))
        {
            File.Delete(file);
        }
    }
}
