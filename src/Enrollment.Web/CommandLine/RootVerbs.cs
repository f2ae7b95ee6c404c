using System.CommandLine;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.CommandLine;

/// <summary>
/// <c>ca root take-offline</c> and <c>ca root crl</c>: the root key leaves the data directory for
/// an encrypted file the operator keeps offline, and comes back only to sign the root's next CRL
/// (docs/certificate-authority.md, "An offline root").
/// </summary>
internal static class RootVerbs
{
    public static Command Create(Option<string> passphraseVariable, Option<int> crlDays)
    {
        var outFile = new Option<FileInfo>("--out") { Description = "The encrypted root key file to write (must not exist; outside the data directory)", Required = true };
        var takeOffline = new Command("take-offline",
            "Sign a fresh root CRL, write the root key to an encrypted file, and remove it from the data directory.") { outFile };
        takeOffline.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, async (services, output, error) =>
        {
            var keyFile = parsed.GetRequiredValue(outFile);
            var store = services.GetRequiredService<CaStore>();
            if (!store.HoldsRootKey)
            {
                return await AdminCommandLine.FailAsync(error, "The root key is not in this data directory (already offline, or the CA was imported).");
            }
            if (CheckKeyFileAndValidity(services, keyFile, parsed.GetValue(crlDays), mustExist: false) is { } problem)
            {
                return await AdminCommandLine.FailAsync(error, problem);
            }
            var passphrase = PassphraseFrom(parsed.GetRequiredValue(passphraseVariable));
            var authority = services.GetRequiredService<CertificateAuthority>();
            using var rootKey = store.OpenRootKey()!;
            // The longest time before the key must come back starts now.
            var crl = services.GetRequiredService<CaProvisioner>().SignRootCrl(authority, rootKey, TimeSpan.FromDays(parsed.GetValue(crlDays)));
            OfflineRootKey.Write(keyFile.FullName, rootKey, passphrase);
            store.RemoveRootKey();
            await AuditAsync(services, "ca.root-offline", $"key file {keyFile.FullName}; root CRL {crl.Number} until {crl.NextUpdate:u}");
            await output.WriteLineAsync($"""
                The root key is now in {keyFile.FullName} only; it was removed from {store.Directory}.
                Root CRL {crl.Number} is valid until {crl.NextUpdate:u}: before then, bring the file back and run
                'ca root crl --root-key {keyFile.FullName}'.
                """);
            return 0;
        }));

        var keyFileOption = new Option<FileInfo>("--root-key") { Description = "The encrypted root key file written by 'take-offline' or 'init --offline-root'", Required = true };
        var signCrl = new Command("crl", "Sign the root's next CRL with the root key brought back from offline storage.") { keyFileOption };
        signCrl.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, async (services, output, error) =>
        {
            var keyFile = parsed.GetRequiredValue(keyFileOption);
            if (CheckKeyFileAndValidity(services, keyFile, parsed.GetValue(crlDays), mustExist: true) is { } problem)
            {
                return await AdminCommandLine.FailAsync(error, problem);
            }
            var passphrase = Environment.GetEnvironmentVariable(parsed.GetRequiredValue(passphraseVariable)) ?? string.Empty;
            using var rootKey = OfflineRootKey.Read(keyFile.FullName, passphrase);
            var crl = services.GetRequiredService<CaProvisioner>().SignRootCrl(
                services.GetRequiredService<CertificateAuthority>(), rootKey, TimeSpan.FromDays(parsed.GetValue(crlDays)));
            await AuditAsync(services, "ca.root-crl-signed", $"root CRL {crl.Number} until {crl.NextUpdate:u}");
            await output.WriteLineAsync($"Signed root CRL {crl.Number}, valid until {crl.NextUpdate:u}. Put the key file back offline.");
            return 0;
        }));

        return new Command("root", "The root key kept offline.") { takeOffline, signCrl };
    }

    /// <summary>A message when the key file or the CRL validity will not do, else null.</summary>
    internal static string? CheckKeyFileAndValidity(IServiceProvider services, FileInfo keyFile, int crlDays, bool mustExist)
    {
        if (crlDays < 1 || crlDays > RootCrl.LongestValidity.TotalDays)
        {
            return $"--root-crl-days must be between 1 and {RootCrl.LongestValidity.TotalDays}.";
        }
        if (mustExist != keyFile.Exists)
        {
            return mustExist ? $"The file {keyFile.FullName} does not exist." : $"The file {keyFile.FullName} exists already; choose a new name.";
        }
        var dataDirectory = services.GetRequiredService<IOptions<EnrollmentOptions>>().Value.PathOf() + Path.DirectorySeparatorChar;
        return !mustExist && keyFile.FullName.StartsWith(dataDirectory, StringComparison.Ordinal)
            ? $"The root key file must be kept outside the data directory {dataDirectory}."
            : null;
    }

    /// <summary>Records a root operation in the audit log, against the issuing CA it stands behind.</summary>
    internal static Task AuditAsync(IServiceProvider services, string action, string detail) =>
        AdminCommandLine.AuditAsync(services, action, services.GetRequiredService<CertificateAuthority>().IssuerKeyId, detail);

    /// <summary>The root key file's passphrase from the named environment variable; refused when missing or short.</summary>
    internal static string PassphraseFrom(string variable)
    {
        var passphrase = Environment.GetEnvironmentVariable(variable);
        OfflineRootKey.CheckPassphrase(passphrase);
        return passphrase!;
    }
}
