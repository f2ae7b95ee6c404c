using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;

namespace Enrollment.Ca.Issuance;

/// <summary>
/// Who a certificate is for, taken from the user record and never from the CSR
/// (docs/design.md, "The CA": CN = display name, O = organisation, serialNumber = employee id; SAN email and UPN).
/// </summary>
public sealed record CertificateSubject(string DisplayName, string Organization, string EmployeeId, string Email, string Upn)
{
    /// <summary>X.520 serialNumber is a PrintableString: letters, digits, space and '()+,-./:=?.</summary>
    public static bool IsPrintable(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || " '()+,-./:=?".Contains(c));

    /// <summary>Characters that separate or escape parts of a distinguished name (RFC 4514) and so could make a name read as another.</summary>
    private const string NameMetacharacters = ",+\"\\<>;=";

    public static readonly Refusal DisplayNameCharacters = new("subject.display-name-characters",
        "A name may not contain control or text-direction characters, nor any of , + \" \\ < > ; =, nor begin with # or a space.");

    public static readonly Refusal DisplayNameLikeHostName = new("subject.display-name-host",
        "A name that reads as a host name (such as j.smith) cannot be a certificate's name: add a space or write it out (J. Smith).");

    /// <summary>
    /// A refusal when <paramref name="name"/> cannot be a certificate's common name as shown: control
    /// characters, invisible format characters (U+202E RIGHT-TO-LEFT OVERRIDE and the other bidi
    /// controls among them) and DN metacharacters could make it read as somebody else's.
    /// </summary>
    public static Refusal? CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64)
        {
            return new Refusal("subject.display-name", "The user needs a display name of 1 to 64 characters.");
        }
        var unsafeCharacter = name.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format
                                            || NameMetacharacters.Contains(c));
        if (unsafeCharacter || name[0] is '#' or ' ' || name[^1] == ' ')
        {
            return DisplayNameCharacters;
        }
        // Under the issuing CA's name constraints, verifiers would refuse such a certificate (IssuingNameConstraints).
        return IssuingNameConstraints.ReadsAsHostName(name) ? DisplayNameLikeHostName : null;
    }

    /// <summary>A refusal when the record cannot make a valid certificate subject.</summary>
    public Refusal? Validate()
    {
        if (CheckName(DisplayName) is { } nameRefusal)
        {
            return nameRefusal;
        }
        if (string.IsNullOrWhiteSpace(EmployeeId))
        {
            return new Refusal("subject.no-employee-id", "The user has no employee id; an administrator must set one first.");
        }
        if (!IsPrintable(EmployeeId))
        {
            return new Refusal("subject.employee-id", "The employee id may hold only letters, digits, spaces and '()+,-./:=?.");
        }
        if (string.IsNullOrWhiteSpace(Email) || !Email.Contains('@') || !Email.All(char.IsAscii))
        {
            return new Refusal("subject.email", "The user needs an ASCII email address.");
        }
        return string.IsNullOrWhiteSpace(Organization) || Organization.Length > 64
            ? new Refusal("subject.organization", "The organization name must be 1 to 64 characters.")
            : null;
    }

    public X500DistinguishedName DistinguishedName()
    {
        // The builder encodes in reverse order of the calls: DER order is O, CN, serialNumber.
        var builder = new X500DistinguishedNameBuilder();
        builder.Add(Oids.SubjectSerialNumber, EmployeeId, UniversalTagNumber.PrintableString);
        builder.AddCommonName(DisplayName);
        builder.AddOrganizationName(Organization);
        return builder.Build();
    }

    public X509Extension AlternativeNames()
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddEmailAddress(Email);
        builder.AddUserPrincipalName(string.IsNullOrWhiteSpace(Upn) ? Email : Upn);
        return builder.Build(critical: false);
    }
}
