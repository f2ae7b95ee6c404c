using Enrollment.Ca;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Policy;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Requests;

/// <summary>A profile as users choose it: its name, the certificate it yields and the keys it accepts.</summary>
public sealed record RequestProfile(string Name, ClientCertificateProfile Certificate, IReadOnlyList<string> KeyTypes)
{
    /// <summary>Refuses a key the profile does not accept, naming the ones it does.</summary>
    public Refusal? Check(KeyDescription key) => KeyTypes.Contains(key.ToString())
        ? null
        : new Refusal("pickup.key-type", $"The profile {Name} does not accept a {key} key; use {string.Join(", ", KeyTypes)}.");
}

/// <summary>The configured profiles (RequestOptions), or the single privileged-access profile by default.</summary>
public sealed class CertificateProfiles
{
    public static readonly IReadOnlyList<string> AllKeyTypes = ["ECDSA P-256", "ECDSA P-384", "RSA 2048", "RSA 3072", "RSA 4096"];

    public CertificateProfiles(IOptions<RequestOptions> options, IOptions<CaOptions> ca)
    {
        var configured = options.Value.Profiles.Count > 0
            ? options.Value.Profiles
            : [new ProfileOptions { Name = ClientCertificateProfile.DefaultName }];
        All = configured.ConvertAll(p => new RequestProfile(p.Name,
            new ClientCertificateProfile { Name = p.Name, Validity = TimeSpan.FromDays(p.ValidityDays ?? ca.Value.CertificateValidityDays) },
            p.KeyTypes.Count > 0 ? p.KeyTypes : AllKeyTypes));
    }

    public IReadOnlyList<RequestProfile> All { get; }

    public RequestProfile? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
