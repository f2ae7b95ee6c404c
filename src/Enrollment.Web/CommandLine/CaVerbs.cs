using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Web.Features.Publication;

namespace Enrollment.Web.CommandLine;

/// <summary><c>ca init</c>, <c>ca show</c>, <c>ca import</c> and the offline root's <c>ca root</c> verbs.</summary>
internal static class CaVerbs
{
    private const string DefaultPassphraseVariable = "ENROLLMENT_ROOT_KEY_PASSPHRASE";

    public static Command Create()
    {
        var offlineRoot = new Option<FileInfo?>("--offline-root")
        {
            Description = "Create the root with its key written to this encrypted file (PBES2) only, never to the data directory",
        };
        var rootPassphrase = RootPassphraseOption();
        var rootCrlDays = RootCrlDaysOption();
        var init = new Command("init", "Create the CA if there is none (idempotent) and show it.") { offlineRoot };
        init.SetAction((parsed, _) => parsed.GetValue(offlineRoot) is { } keyFile
            ? AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, (services, output, error) =>
                InitWithOfflineRootAsync(services, output, error, keyFile, parsed.GetRequiredValue(rootPassphrase), parsed.GetValue(rootCrlDays)))
            : AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, ShowAsync));

        var show = new Command("show", "Show the root, issuing CA and OCSP signer: subjects, serials, validity, fingerprints.");
        show.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
            services.GetRequiredService<CaStore>().Exists
                ? await ShowAsync(services, output, error)
                : await AdminCommandLine.FailAsync(error, "There is no CA in this data directory yet; run 'ca init'.")));

        var file = new Option<FileInfo>("--pkcs12") { Description = "PKCS#12 file with the issuing CA key, its certificate and the root", Required = true };
        var passwordVariable = new Option<string>("--password-env")
        {
            Description = "Environment variable that holds the PKCS#12 password (default ENROLLMENT_IMPORT_PASSWORD)",
            DefaultValueFactory = _ => "ENROLLMENT_IMPORT_PASSWORD",
        };
        var replace = new Option<bool>("--replace") { Description = "Replace an existing CA (certificates it issued stay in the records)" };
        var import = new Command("import", "Import an existing issuing CA from a PKCS#12 file.") { file, passwordVariable, replace };
        import.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            var store = services.GetRequiredService<CaStore>();
            if (store.Exists && !parsed.GetValue(replace))
            {
                return await AdminCommandLine.FailAsync(error, "A CA already exists here; pass --replace to replace it.");
            }
            var path = parsed.GetRequiredValue(file);
            if (!path.Exists)
            {
                return await AdminCommandLine.FailAsync(error, $"The file {path.FullName} does not exist.");
            }
            var password = Environment.GetEnvironmentVariable(parsed.GetRequiredValue(passwordVariable)) ?? string.Empty;
            using var imported = services.GetRequiredService<CaProvisioner>().Import(await File.ReadAllBytesAsync(path.FullName), password);
            await output.WriteLineAsync($"Imported issuing CA {imported.Issuing.Subject}.");
            return 0;
        }));

        // Both options are recursive: 'ca init --offline-root' and the 'ca root' verbs read them.
        return new Command("ca", "Manage the certificate authority.") { init, show, import, RootVerbs.Create(rootPassphrase, rootCrlDays), rootPassphrase, rootCrlDays };
    }

    internal static Option<string> RootPassphraseOption() => new("--passphrase-env")
    {
        Description = $"Environment variable that holds the root key file's passphrase (default {DefaultPassphraseVariable})",
        DefaultValueFactory = _ => DefaultPassphraseVariable,
        Recursive = true,
    };

    internal static Option<int> RootCrlDaysOption() => new("--root-crl-days")
    {
        Description = "Validity of the root CRL signed now, in days (1 to 366; default 90): the time until the key must come back",
        DefaultValueFactory = _ => (int)RootCrl.Validity.TotalDays,
        Recursive = true,
    };

    private static async Task<int> InitWithOfflineRootAsync(
        IServiceProvider services, TextWriter output, TextWriter error, FileInfo keyFile, string passphraseVariable, int crlDays)
    {
        if (services.GetRequiredService<CaStore>().Exists)
        {
            return await AdminCommandLine.FailAsync(error, "A CA already exists here; 'ca root take-offline --out FILE' takes its root key offline.");
        }
        if (RootVerbs.CheckKeyFileAndValidity(services, keyFile, crlDays, mustExist: false) is { } problem)
        {
            return await AdminCommandLine.FailAsync(error, problem);
        }
        var passphrase = RootVerbs.PassphraseFrom(passphraseVariable);
        var (authority, rootKey) = services.GetRequiredService<CaProvisioner>().CreateWithOfflineRoot(TimeSpan.FromDays(crlDays));
        using (authority)
        using (rootKey)
        {
            OfflineRootKey.Write(keyFile.FullName, rootKey, passphrase);
        }
        await RootVerbs.AuditAsync(services, "ca.created", $"offline root; key file {keyFile.FullName}");
        // The host's CA is loaded now, from what was just written; the rest of a first start follows (CRL, audit anchor).
        await Infrastructure.StartupInitializer.InitializeAsync(services);
        await output.WriteLineAsync($"The root key is in {keyFile.FullName} only (PBES2, passphrase from {passphraseVariable}). Keep it offline.");
        return await ShowAsync(services, output, error);
    }

    private static async Task<int> ShowAsync(IServiceProvider services, TextWriter output, TextWriter error)
    {
        var authority = services.GetRequiredService<CertificateAuthority>();
        await Describe(output, "Root CA", authority.Root);
        await Describe(output, "Issuing CA", authority.Issuing);
        await Describe(output, "OCSP signer", authority.OcspSigner);
        if (services.GetRequiredService<CrlPublisher>().Current is { } crl)
        {
            await output.WriteLineAsync($"CRL\n  Number:      {crl.Info.Number}\n  This update: {crl.Info.ThisUpdate:u}\n  Next update: {crl.Info.NextUpdate:u}\n  Entries:     {crl.Info.EntryCount}");
        }
        return 0;
    }

    private static Task Describe(TextWriter output, string title, X509Certificate2 certificate) =>
        output.WriteLineAsync($"""
            {title}
              Subject:     {certificate.Subject}
              Serial:      {certificate.SerialNumber}
              Not before:  {certificate.NotBefore.ToUniversalTime():u}
              Not after:   {certificate.NotAfter.ToUniversalTime():u}
              SHA-256:     {certificate.GetCertHashString(HashAlgorithmName.SHA256)}
            """);
}
