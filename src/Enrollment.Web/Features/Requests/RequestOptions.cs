using System.ComponentModel.DataAnnotations;

namespace Enrollment.Web.Features.Requests;

/// <summary>Certificate requests, section "Enrollment:Requests".</summary>
public sealed class RequestOptions
{
    public const string SectionName = "Enrollment:Requests";

    /// <summary>Days an approval may be picked up before it lapses. Defaults to 7.</summary>
    [Range(1, 90)]
    public int PickupWindowDays { get; set; } = 7;

    /// <summary>
    /// The profiles users may request. When none is configured, one profile "privileged-access"
    /// with the CA's certificate validity and every accepted key type is offered.
    /// </summary>
    public List<ProfileOptions> Profiles { get; set; } = [];
}

/// <summary>One requestable certificate profile, "Enrollment:Requests:Profiles:N".</summary>
public sealed class ProfileOptions
{
    /// <summary>Stable name stored with requests and certificates: lower-case letters, digits and dashes.</summary>
    [Required, RegularExpression("^[a-z0-9-]{1,64}$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Validity of certificates of this profile in days. Defaults to Enrollment:Ca:CertificateValidityDays.</summary>
    [Range(1, 3650)]
    public int? ValidityDays { get; set; }

    /// <summary>
    /// Accepted keys, named as "ECDSA P-256", "ECDSA P-384", "RSA 2048", "RSA 3072", "RSA 4096".
    /// Defaults to all of them.
    /// </summary>
    public List<string> KeyTypes { get; set; } = [];
}
