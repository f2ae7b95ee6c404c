using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Policy;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Ca.Packaging;
using Enrollment.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Requests;

/// <summary>How a certificate was picked up (docs/design.md, "Flow" step 4).</summary>
public enum PickupMethod
{
    /// <summary>The browser made the key and sent only a CSR.</summary>
    Browser,

    /// <summary>The server made the key and returned it once in a PKCS#12.</summary>
    Server,

    /// <summary>The user uploaded a CSR made by their own tools.</summary>
    Csr,
}

/// <summary>An approved request ready for pickup, as the pickup page needs it.</summary>
public sealed record PickupTicket(Guid Id, RequestProfile Profile, DateTime Deadline);

/// <summary>A picked-up certificate with the chain up to our root.</summary>
public sealed record PickedUp(string Serial, X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain)
{
    public string CertificatePem => Certificate.ExportCertificatePem();

    public string ChainPem => string.Join('\n', Chain.Select(c => c.ExportCertificatePem())) + "\n";

    /// <summary>
    /// The PKCS#12 file's name as a person finds it again among their downloads: whose certificate and
    /// from when ("Taro-Yamada-2026-11-30.p12"), never the hex serial.
    /// </summary>
    public string FileName
    {
        get
        {
            var owner = Certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            var readable = string.Join('-', owner.Split(Path.GetInvalidFileNameChars().Append(' ').Append('.').ToArray(), StringSplitOptions.RemoveEmptyEntries));
            return $"{(readable.Length > 0 ? readable : "certificate")}-{Certificate.NotBefore.ToUniversalTime():yyyy-MM-dd}.p12";
        }
    }
}

/// <summary>
/// Picks up an approved request, once, inside its window. The request is claimed by a conditional
/// update (Approved to Issued) before the CA signs, so two pickups at once issue one certificate;
/// if issuance then fails, the claim is released and the approval stays usable. The subject is the
/// one fixed on the request when it was submitted (and shown to the approver): whatever the CSR says
/// is ignored.
/// </summary>
public sealed class Pickup(
    IServiceScopeFactory scopes, CertificateProfiles profiles, CertificateAuthority authority, RequestEvents events, RequestMail mail,
    AuditTrail audit, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;

    public static readonly Refusal NotFound = new("pickup.not-found", "No request with this number is waiting for you to pick up.");
    public static readonly Refusal NotApproved = new("pickup.not-approved", "This request has not been approved, so there is nothing to pick up.");
    public static readonly Refusal AlreadyPickedUp = new("pickup.already",
        "This certificate was already picked up; a pickup works once. If you lost the file, revoke the certificate and request a new one.");
    public static readonly Refusal Lapsed = new("pickup.lapsed", "The pickup window has closed and the approval has lapsed; submit a new request.");
    public static readonly Refusal WeakPassword = new("pickup.password",
        $"Choose a file password of at least {MinimumPasswordLength} characters and type it the same twice.");

    public async Task<(PickupTicket? Ticket, Refusal? Refusal)> OpenAsync(ClaimsPrincipal actor, Guid id)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, actor) is not { } user)
        {
            return (null, MyRequests.SignedOut);
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        await MyRequests.LapseAsync(db, user.Id, time.GetUtcNow().UtcDateTime);
        var request = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.RequesterId == user.Id);
        if (Explain(request) is { } refusal)
        {
            return (null, refusal);
        }
        return profiles.Find(request!.Profile) is { } profile
            ? (new PickupTicket(id, profile, request.PickupDeadline!.Value), null)
            : (null, MyRequests.UnknownProfile);
    }

    /// <summary>Browser key generation and CSR upload: issues for the CSR's key, never its subject.</summary>
    public async Task<(PickedUp? Certificate, Refusal? Refusal)> IssueFromCsrAsync(
        ClaimsPrincipal actor, Guid id, byte[] csr, PickupMethod method, string? address)
    {
        var verdict = SigningRequestReader.Read(csr);
        if (verdict.Accepted is not { } accepted)
        {
            return (null, verdict.Refusal);
        }
        var (issued, refusal) = await ClaimAndIssueAsync(actor, id, method, accepted.Key, accepted.PublicKey, address);
        return (issued, refusal);
    }

    /// <summary>Server PKCS#12: the key is made here, packed with the certificate and chain, and forgotten.</summary>
    public async Task<(byte[]? Pkcs12, PickedUp? Certificate, Refusal? Refusal)> IssueServerPkcs12Async(
        ClaimsPrincipal actor, Guid id, ServerKeyType keyType, string? password, string? address)
    {
        if (password is null || password.Length < MinimumPasswordLength)
        {
            return (null, null, WeakPassword);
        }
        using var key = ServerKeyPackager.CreateKey(keyType);
        var publicKey = ServerKeyPackager.PublicKeyOf(key);
        var (issued, refusal) = await ClaimAndIssueAsync(actor, id, PickupMethod.Server, KeyPolicy.Describe(publicKey), publicKey, address);
        return issued is null
            ? (null, null, refusal)
            : (ServerKeyPackager.Package(issued.Certificate, key, authority, password, Pkcs12Protection.Aes256Sha256), issued, null);
    }

    private async Task<(PickedUp? Certificate, Refusal? Refusal)> ClaimAndIssueAsync(
        ClaimsPrincipal actor, Guid id, PickupMethod method, KeyDescription key, PublicKey publicKey, string? address)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await MyRequests.ActiveUserAsync(scope, actor) is not { } user)
        {
            return (null, MyRequests.SignedOut);
        }
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        await MyRequests.LapseAsync(db, user.Id, now);
        var request = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.RequesterId == user.Id);
        if (Explain(request) is { } notReady)
        {
            return (null, notReady);
        }
        if (profiles.Find(request!.Profile) is not { } profile)
        {
            return (null, MyRequests.UnknownProfile);
        }
        if (profile.Check(key) is { } keyRefusal)
        {
            return (null, keyRefusal);
        }
        // The certificate carries exactly the subject the approver saw; if the record changed since, it is approved again first.
        var issuer = scope.ServiceProvider.GetRequiredService<CertificateIssuer>();
        var current = issuer.SubjectOf(user);
        if (current.Validate() is { } subjectRefusal)
        {
            return (null, subjectRefusal);
        }
        if (request.Subject is { } approved && approved != CertificateIssuer.Snapshot(current))
        {
            await SubjectChange.ReturnToApproversAsync(scope, db, audit, events, mail, user, request, CertificateIssuer.Snapshot(current), address);
            return (null, SubjectChange.BackToApprovers);
        }
        var subject = request.Subject is { } fixedSubject ? CertificateIssuer.FromSnapshot(fixedSubject) : current;
        var methodName = method.ToString().ToLowerInvariant();
        var claimed = await db.Requests
            .Where(r => r.Id == id && r.RequesterId == user.Id && r.State == RequestState.Approved && r.PickupDeadline > now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RequestState.Issued).SetProperty(r => r.ClosedAt, now)
                .SetProperty(r => r.PickupMethod, methodName));
        if (claimed == 0)
        {
            return (null, Explain(await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.RequesterId == user.Id)) ?? AlreadyPickedUp);
        }

        Ca.Issuance.IssuanceResult result;
        try
        {
            result = await issuer.IssueAsync(user, subject, publicKey, profile.Certificate, id, CancellationToken.None);
        }
        catch
        {
            await ReleaseAsync(db, id);
            throw;
        }
        if (result.Refusal is { } refusal)
        {
            await ReleaseAsync(db, id);
            return (null, refusal);
        }
        await db.Requests.Where(r => r.Id == id).ExecuteUpdateAsync(set => set.SetProperty(r => r.CertificateSerial, result.Serial));
        await audit.AppendAsync(db, new AuditEntry(user.Email!, "request.picked-up", id.ToString(), $"serial={result.Serial} method={methodName} key={key}", address));
        events.Publish(new RequestChange(id, user.Id, RequestState.Issued));
        await mail.IssuedAsync(user, result.Serial!, result.Certificate!.NotAfter.ToUniversalTime());
        // The leaf and the issuing CA, never the root: a file the user imports must not carry a trust anchor.
        return (new PickedUp(result.Serial!, result.Certificate!, [authority.Issuing]), null);
    }

    /// <summary>Undoes a claim whose issuance did not produce a certificate.</summary>
    private static Task<int> ReleaseAsync(EnrollmentDbContext db, Guid id) =>
        db.Requests.Where(r => r.Id == id && r.State == RequestState.Issued && r.CertificateSerial == null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RequestState.Approved).SetProperty(r => r.ClosedAt, (DateTime?)null)
                .SetProperty(r => r.PickupMethod, (string?)null));

    private static Refusal? Explain(EnrollmentRequest? request) => request?.State switch
    {
        null => NotFound,
        RequestState.Approved => null,
        RequestState.Issued => AlreadyPickedUp,
        RequestState.Lapsed => Lapsed,
        _ => NotApproved,
    };
}
