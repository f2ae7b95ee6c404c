using System.Security.Claims;
using Enrollment.Ca.Authority;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Publication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Admin.Health;

/// <summary>
/// The CA health report for administrators: the chain, the CRL, certificates by status, and a
/// self-check of the mistakes deployments make. Authorized like every admin service.
/// </summary>
public sealed class CaHealth(
    PrivilegedAuthorization authorization, CertificateAuthority authority, CrlPublisher crl, RootCrlFile rootCrl, RevocationRecords revocations, EnrollmentDbContext db,
    IHttpClientFactory http, PublicationUrls urls, IOptions<GateOptions> gate, Authority.CaKeyCustody custody, TimeProvider time)
{
    public async Task<CaHealthReport> BuildAsync(ClaimsPrincipal actor, ConnectionCertificate connection, CancellationToken cancellationToken)
    {
        await authorization.DemandAdminAsync(actor, connection);
        var now = time.GetUtcNow();
        var revoked = await revocations.CountRevokedAsync(authority.IssuerKeyId, cancellationToken);
        var (chain, crlFacts, findings) = CaHealthEvaluator.Evaluate(authority, crl.Current?.Info, now, rootCrl.File.Current?.Info, revoked);
        var keys = custody.Describe();
        findings.AddRange(CaHealthEvaluator.CheckKeys(keys));
        findings.AddRange(CheckConfiguration());
        findings.AddRange(await CheckPublicationAsync(cancellationToken));
        return new CaHealthReport(chain, crlFacts, await CountAsync(now.UtcDateTime, cancellationToken), findings, keys);
    }

    private async Task<StatusCounts> CountAsync(DateTime now, CancellationToken cancellationToken)
    {
        var issued = db.Certificates.AsNoTracking().Where(c => c.State == IssuanceState.Issued && c.IssuerKeyId == authority.IssuerKeyId);
        var soon = now + Web.Features.Certificates.CertificateStatusText.ExpiringSoon;
        return new StatusCounts(
            await issued.CountAsync(c => c.RevokedAt == null && c.NotAfter > soon, cancellationToken),
            await issued.CountAsync(c => c.RevokedAt == null && c.NotAfter > now && c.NotAfter <= soon, cancellationToken),
            await issued.CountAsync(c => c.RevokedAt == null && c.NotAfter <= now, cancellationToken),
            await issued.CountAsync(c => c.RevokedAt != null, cancellationToken));
    }

    private IEnumerable<Finding> CheckConfiguration()
    {
        if (gate.Value.Mode == ClientCertificateMode.Off)
        {
            yield return new Finding("gate.off", HealthLevel.Warning);
        }
        if (urls.BaseUrl.Scheme != Uri.UriSchemeHttp)
        {
            // RFC 5280 4.2.1.13: CDP over HTTPS makes revocation checking depend on TLS that itself needs it.
            yield return new Finding("urls.not-http", HealthLevel.Warning, urls.BaseUrl.AbsoluteUri);
        }
        if (urls.BaseUrl.IsLoopback)
        {
            yield return new Finding("urls.loopback", HealthLevel.Warning, urls.BaseUrl.AbsoluteUri);
        }
    }

    /// <summary>Relying parties fetch these; each must answer from here too.</summary>
    private async Task<IEnumerable<Finding>> CheckPublicationAsync(CancellationToken cancellationToken)
    {
        var client = http.CreateClient(nameof(CaHealth));
        var findings = new List<Finding>();
        foreach (var url in new[] { urls.Crl, urls.IssuingCertificate })
        {
            try
            {
                using var response = await client.GetAsync(url, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    findings.Add(new Finding("urls.not-answering", HealthLevel.Warning, $"{url} ({(int)response.StatusCode})"));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                findings.Add(new Finding("urls.not-answering", HealthLevel.Warning, url.AbsoluteUri));
            }
        }
        return findings;
    }
}
