using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Policy;
using Enrollment.Ca.Serials;

namespace Enrollment.Ca.Issuance;

/// <summary>Who asks for which certificate with which key.</summary>
public sealed record IssuanceOrder(string UserId, CertificateSubject Subject, PublicKey PublicKey, ClientCertificateProfile Profile, Guid? RequestId = null);

/// <summary>Either a certificate or a refusal the user can act on.</summary>
public sealed record IssuanceResult(X509Certificate2? Certificate, string? Serial, Refusal? Refusal)
{
    public static IssuanceResult Refused(Refusal refusal) => new(null, null, refusal);
}

/// <summary>
/// Issues client certificates: checks the subject and key, commits the intent, signs, then commits
/// the certificate. A failure after the intent marks the serial abandoned (listed as revoked).
/// </summary>
public sealed class IssuanceService(
    CertificateAuthority authority, PublicationUrls urls, IIssuanceLedger ledger, IIssuanceFaults faults, TimeProvider time)
{
    private readonly ClientCertificateBuilder builder = new(authority, urls);

    public async Task<IssuanceResult> IssueAsync(IssuanceOrder order, CancellationToken cancellationToken = default)
    {
        if (order.Subject.Validate() is { } subjectRefusal)
        {
            return IssuanceResult.Refused(subjectRefusal);
        }
        if (KeyPolicy.Check(order.PublicKey, out _) is { } keyRefusal)
        {
            return IssuanceResult.Refused(keyRefusal);
        }
        var template = Template(order);
        var intent = new IssuanceIntent(
            SerialNumber.ToCanonical(template.Serial), authority.IssuerKeyId, order.UserId, order.Profile.Name,
            order.Subject.DistinguishedName().Name, KeyIdentifiers.PublicKeySha256(order.PublicKey),
            template.NotBefore, template.NotAfter, order.RequestId);

        await ledger.RecordIntentAsync(intent, cancellationToken);
        try
        {
            faults.At(IssuanceStep.AfterIntent);
            var certificate = builder.Sign(template);
            faults.At(IssuanceStep.AfterSigning);
            await ledger.RecordIssuedAsync(intent, certificate.RawData, cancellationToken);
            return new IssuanceResult(certificate, intent.Serial, null);
        }
        catch (Hsm.HsmException)
        {
            // The key's token does not answer: nothing was signed, the serial is given up, and the
            // request can be picked up again once the token is back.
            await AbandonAsync(intent.Serial);
            return IssuanceResult.Refused(SigningKeyUnavailable);
        }
        catch
        {
            await AbandonAsync(intent.Serial);
            throw;
        }
    }

    public static readonly Refusal SigningKeyUnavailable = new("ca.key-unavailable",
        "The CA cannot sign right now: its key is in a hardware security module that does not answer. Nothing was issued; try again later.");

    private IssuanceTemplate Template(IssuanceOrder order)
    {
        var now = time.GetUtcNow();
        var issuerEnd = new DateTimeOffset(authority.Issuing.NotAfter.ToUniversalTime());
        var notAfter = now + order.Profile.Validity < issuerEnd ? now + order.Profile.Validity : issuerEnd;
        var notBefore = now - order.Profile.Backdate;
        var issuerStart = new DateTimeOffset(authority.Issuing.NotBefore.ToUniversalTime());
        // Whole seconds: DER times carry no fractions, and the record must equal the certificate.
        return new IssuanceTemplate(SerialNumber.Create(), order.Subject, order.PublicKey,
            Truncate(notBefore < issuerStart ? issuerStart : notBefore), Truncate(notAfter), order.Profile.Name);
    }

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private async Task AbandonAsync(string serial)
    {
        try
        {
            faults.At(IssuanceStep.BeforeAbandon);
            await ledger.RecordAbandonedAsync(serial, CancellationToken.None);
        }
        catch (Exception)
        {
            // The store itself failed; start-up recovery abandons intents left without a certificate.
        }
    }
}
