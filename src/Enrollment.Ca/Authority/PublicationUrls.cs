namespace Enrollment.Ca.Authority;

/// <summary>
/// Where relying parties fetch our certificates, CRL and OCSP answers. Written into the CDP and AIA
/// extensions; plain http:// as RFC 5280 4.2.1.13 advises, so revocation checks never need TLS.
/// </summary>
public sealed record PublicationUrls(Uri BaseUrl)
{
    public Uri RootCertificate => new(BaseUrl, "pki/root.crt");
    public Uri IssuingCertificate => new(BaseUrl, "pki/issuing.crt");
    public Uri Crl => new(BaseUrl, "pki/issuing.crl");
    public Uri Ocsp => new(BaseUrl, "pki/ocsp");

    public static PublicationUrls From(string baseUrl)
    {
        var text = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";
        return new PublicationUrls(new Uri(text, UriKind.Absolute));
    }
}
