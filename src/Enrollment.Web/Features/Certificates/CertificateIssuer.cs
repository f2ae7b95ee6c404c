using Enrollment.Ca;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Policy;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Certificates;

/// <summary>
/// Issues certificates for portal users: the subject always comes from the user record, the key
/// from a verified CSR or the server's key generation.
/// </summary>
public sealed class CertificateIssuer(
    IssuanceService issuance, UserManager<EnrollmentUser> users, IOptions<EnrollmentOptions> options, IOptions<CaOptions> caOptions)
{
    public ClientCertificateProfile Profile => new() { Validity = TimeSpan.FromDays(caOptions.Value.CertificateValidityDays) };

    /// <summary>Issues from a PKCS#10 request (PEM or DER). The request's subject is ignored.</summary>
    public async Task<IssuanceResult> IssueFromCsrAsync(EnrollmentUser user, byte[] csr, Guid? requestId, CancellationToken cancellationToken)
    {
        var verdict = SigningRequestReader.Read(csr);
        return verdict.Accepted is { } accepted
            ? await IssueAsync(user, accepted.PublicKey, requestId, cancellationToken)
            : IssuanceResult.Refused(verdict.Refusal!);
    }

    public Task<IssuanceResult> IssueAsync(EnrollmentUser user, System.Security.Cryptography.X509Certificates.PublicKey key, Guid? requestId, CancellationToken cancellationToken) =>
        IssueAsync(user, key, Profile, requestId, cancellationToken);

    /// <summary>Issues a certificate of the given profile for the key; the subject comes from the user record.</summary>
    public Task<IssuanceResult> IssueAsync(
        EnrollmentUser user, System.Security.Cryptography.X509Certificates.PublicKey key, ClientCertificateProfile profile, Guid? requestId, CancellationToken cancellationToken) =>
        issuance.IssueAsync(new IssuanceOrder(user.Id, SubjectOf(user), key, profile, requestId), cancellationToken);

    /// <summary>Issues for the key with exactly the given subject (the one fixed on an approved request).</summary>
    public Task<IssuanceResult> IssueAsync(
        EnrollmentUser user, CertificateSubject subject, System.Security.Cryptography.X509Certificates.PublicKey key, ClientCertificateProfile profile,
        Guid? requestId, CancellationToken cancellationToken) =>
        issuance.IssueAsync(new IssuanceOrder(user.Id, subject, key, profile, requestId), cancellationToken);

    public async Task<EnrollmentUser?> FindUserAsync(string email) => await users.FindByEmailAsync(email);

    public CertificateSubject SubjectOf(EnrollmentUser user) =>
        new(user.DisplayName, options.Value.Organization, user.EmployeeId ?? string.Empty, user.Email ?? string.Empty, user.Upn ?? string.Empty);

    /// <summary>The subject as a request stores it and the approver reads it: the UPN the certificate will carry (the e-mail when none is set).</summary>
    public static RequestSubject Snapshot(CertificateSubject subject) =>
        new(subject.DisplayName, subject.Organization, subject.EmployeeId, subject.Email, string.IsNullOrWhiteSpace(subject.Upn) ? subject.Email : subject.Upn);

    public static CertificateSubject FromSnapshot(RequestSubject subject) =>
        new(subject.CommonName, subject.Organization, subject.EmployeeId, subject.Email, subject.Upn);

    public static readonly Refusal UnknownUser = new("user.unknown", "No user has that email address.");
}
