using System.CommandLine;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Policy;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Certificates;

namespace Enrollment.Web.CommandLine;

/// <summary><c>certs issue</c> and <c>certs revoke</c>.</summary>
internal static class CertificateVerbs
{
    public static Command Create() => new("certs", "Issue and revoke certificates.") { Issue(), Revoke() };

    private static Command Issue()
    {
        var user = new Option<string>("--user") { Description = "Email of the user the certificate is for", Required = true };
        var csr = new Option<FileInfo>("--csr") { Description = "PKCS#10 request, PEM or DER", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the certificate and chain (PEM)", Required = true };
        var issue = new Command("issue", "Issue a certificate for a user from a CSR; the subject comes from the user record.") { user, csr, output };
        issue.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, async (services, stdout, error) =>
        {
            var csrFile = parsed.GetRequiredValue(csr);
            if (!csrFile.Exists)
            {
                return await AdminCommandLine.FailAsync(error, $"The file {csrFile.FullName} does not exist.");
            }
            if (csrFile.Length > SigningRequestReader.MaxBytes)
            {
                return await AdminCommandLine.FailAsync(error, $"The certificate request is larger than {SigningRequestReader.MaxBytes / 1024} KiB.");
            }
            await using var scope = services.CreateAsyncScope();
            var issuer = scope.ServiceProvider.GetRequiredService<CertificateIssuer>();
            if (await issuer.FindUserAsync(parsed.GetRequiredValue(user)) is not { } owner)
            {
                return await AdminCommandLine.FailAsync(error, CertificateIssuer.UnknownUser.Message);
            }
            var result = await issuer.IssueFromCsrAsync(owner, await File.ReadAllBytesAsync(csrFile.FullName), null, CancellationToken.None);
            if (result.Certificate is not { } certificate)
            {
                return await AdminCommandLine.FailAsync(error, result.Refusal!.Message);
            }
            var authority = services.GetRequiredService<CertificateAuthority>();
            await File.WriteAllTextAsync(parsed.GetRequiredValue(output).FullName,
                certificate.ExportCertificatePem() + "\n" + authority.Issuing.ExportCertificatePem() + "\n");
            await stdout.WriteLineAsync($"Issued serial {result.Serial} to {owner.Email}, valid until {certificate.NotAfter.ToUniversalTime():u}.");
            return 0;
        }));
        return issue;
    }

    private static Command Revoke()
    {
        var serial = new Option<string>("--serial") { Description = "Serial number in hex (any case, colons allowed)", Required = true };
        var reason = new Option<string>("--reason")
        {
            Description = "RFC 5280 reason: " + string.Join(", ", RevocationReasons.ByName.Keys),
            DefaultValueFactory = _ => "unspecified",
        };
        var revoke = new Command("revoke", "Revoke a certificate; the CRL is re-published at once.") { serial, reason };
        revoke.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, async (services, output, error) =>
        {
            if (!SerialNumber.TryCanonicalize(parsed.GetRequiredValue(serial), out var canonical))
            {
                return await AdminCommandLine.FailAsync(error, $"'{parsed.GetRequiredValue(serial)}' is not a hexadecimal serial number.");
            }
            if (!RevocationReasons.TryParse(parsed.GetValue(reason), out var why))
            {
                return await AdminCommandLine.FailAsync(error, $"'{parsed.GetValue(reason)}' is not a revocation reason; use one of {string.Join(", ", RevocationReasons.ByName.Keys)}.");
            }
            var outcome = await services.GetRequiredService<RevocationService>().RevokeAsync(canonical, why, AdminCommandLine.Actor, null, CancellationToken.None);
            return outcome switch
            {
                RevocationOutcome.Revoked => await Done(output, $"Revoked {canonical} ({why.Name()}); the CRL was re-published."),
                RevocationOutcome.AlreadyRevoked => await AdminCommandLine.FailAsync(error, $"The certificate {canonical} is already revoked."),
                _ => await AdminCommandLine.FailAsync(error, $"No certificate with serial {canonical} was issued here."),
            };
        }));
        return revoke;
    }

    private static async Task<int> Done(TextWriter output, string message)
    {
        await output.WriteLineAsync(message);
        return 0;
    }
}
