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
}

/// <summary>
/// Sends account mail with System.Net.Mail: through SMTP when configured, otherwise into
/// data/mail as .eml files, so a local run needs no mail server and tests can read the links.
/// </summary>
public sealed class PickupEmailSender(IOptions<MailOptions> mail, IOptions<EnrollmentOptions> options, IStringLocalizer<Resources.SharedResource> text)
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
        using var client = string.IsNullOrWhiteSpace(mail.Value.SmtpHost)
            ? new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = Directory.CreateDirectory(PickupDirectory).FullName }
            : new SmtpClient(mail.Value.SmtpHost, mail.Value.SmtpPort) { EnableSsl = true };
        await client.SendMailAsync(message);
    }
}
