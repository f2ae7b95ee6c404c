using System.Globalization;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Shared;
using Enrollment.Web.Resources;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Requests;

/// <summary>
/// Mail about requests: approvers hear of a new request, the requester of the decision and the
/// issuance. The recipient's language is not known, so every message carries Japanese then English.
/// A failed send is logged and never undoes the action that caused it.
/// </summary>
public sealed partial class RequestMail(
    PickupEmailSender mail, IStringLocalizer<SharedResource> text, PortalLinks links, ILogger<RequestMail> log)
{
    public Task NewRequestAsync(IEnumerable<string> approvers, EnrollmentUser requester, EnrollmentRequest request) =>
        SendAsync(approvers, "MailNewRequestSubject", "MailNewRequestBody",
            requester.DisplayName, requester.EmployeeId ?? "-", new ProfileArgument(request.Profile), request.Justification, links.To("approvals"));

    public Task ApprovedAsync(EnrollmentUser requester, EnrollmentRequest request) =>
        SendAsync([requester.Email!], "MailApprovedSubject", "MailApprovedBody",
            requester.DisplayName, request.DeciderName ?? "-", $"{request.PickupDeadline:yyyy-MM-dd HH:mm} UTC", links.To($"requests/{request.Id}/pickup"));

    public Task RejectedAsync(EnrollmentUser requester, EnrollmentRequest request) =>
        SendAsync([requester.Email!], "MailRejectedSubject", "MailRejectedBody",
            requester.DisplayName, request.DeciderName ?? "-", request.DecisionComment ?? "-", links.To("requests"));

    public Task IssuedAsync(EnrollmentUser requester, string serial, DateTime notAfter) =>
        SendAsync([requester.Email!], "MailIssuedSubject", "MailIssuedBody",
            requester.DisplayName, serial, $"{notAfter:yyyy-MM-dd}", links.To("requests"));

    /// <summary>The owner hears that a certificate ends soon, with the way to renew it.</summary>
    public Task ExpiringAsync(string email, string displayName, string serial, DateTime notAfter, int daysLeft) =>
        SendAsync([email], "MailExpiringSubject", "MailExpiringBody", displayName, serial, $"{notAfter:yyyy-MM-dd HH:mm} UTC", daysLeft, links.To("requests"));

    private async Task SendAsync(IEnumerable<string> recipients, string subjectKey, string bodyKey, params object[] arguments)
    {
        // Subjects take the same arguments; most simply ignore them.
        var subject = $"{InCulture("ja", subjectKey, arguments)} / {InCulture("en", subjectKey, arguments)}";
        var body = $"{InCulture("ja", bodyKey, arguments)}\n\n----\n\n{InCulture("en", bodyKey, arguments)}";
        foreach (var recipient in recipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            try
            {
                await mail.SendAsync(recipient, subject, body);
            }
            catch (Exception e) when (e is System.Net.Mail.SmtpException or IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                LogSendFailed(log, subjectKey, e);
            }
        }
    }

    private string InCulture(string culture, string key, params object[] arguments)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            // A profile is named in each message's own language: "特権アクセス証明書", not "privileged-access 証明書".
            var inLanguage = arguments.Select(a => a is ProfileArgument profile ? text.ProfileName(profile.Name) : a).ToArray();
            return string.Format(CultureInfo.CurrentUICulture, text[key], inLanguage);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    /// <summary>A certificate profile, named when the message is written in each language.</summary>
    private sealed record ProfileArgument(string Name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send the {Kind} mail; the action itself stands.")]
    private static partial void LogSendFailed(ILogger logger, string kind, Exception exception);
}
