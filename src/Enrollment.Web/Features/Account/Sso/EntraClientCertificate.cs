using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>
/// The portal proves itself to Entra ID with a certificate instead of a secret (Microsoft's advice
/// for production): the code is redeemed with a client assertion signed by the certificate's key
/// (RFC 7523, private_key_jwt). Microsoft.Identity.Web does this only through MSAL's token
/// acquisition, which the portal does not use; the framework's handler redeems the code here.
/// </summary>
public static class EntraClientCertificate
{
    private const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>The first certificate AzureAd:ClientCertificates describes (Path, StoreWithThumbprint, ...), or null when none is configured.</summary>
    public static X509Certificate2? Load(IConfiguration azureAd)
    {
        var descriptions = azureAd.GetSection("ClientCertificates").Get<List<CertificateDescription>>() ?? [];
        if (descriptions.Count == 0)
        {
            return null;
        }
        var certificate = DefaultCertificateLoader.LoadFirstCertificate(descriptions);
        // Entra ID takes RSA certificate credentials only.
        return certificate?.GetRSAPrivateKey() is not null
            ? certificate
            : throw new InvalidOperationException("AzureAd:ClientCertificates describes no RSA certificate that could be loaded with its private key.");
    }

    /// <summary>Redeems the authorization code with an assertion signed by <paramref name="certificate"/>.</summary>
    public static void Use(OpenIdConnectOptions oidc, X509Certificate2 certificate, TimeProvider time)
    {
        var earlier = oidc.Events.OnAuthorizationCodeReceived;
        oidc.Events.OnAuthorizationCodeReceived = async context =>
        {
            await earlier(context);
            var metadata = await context.Options.ConfigurationManager!.GetConfigurationAsync(context.HttpContext.RequestAborted);
            var request = context.TokenEndpointRequest!;
            request.ClientSecret = null;
            request.ClientAssertionType = JwtBearerAssertion;
            request.ClientAssertion = Assertion(certificate, context.Options.ClientId!, metadata.TokenEndpoint, time.GetUtcNow());
        };
    }

    /// <summary>Issued by and about the client, for the token endpoint, valid for five minutes, used once (jti).</summary>
    public static string Assertion(X509Certificate2 certificate, string clientId, string tokenEndpoint, DateTimeOffset now) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = tokenEndpoint,
            Subject = new ClaimsIdentity([new Claim("sub", clientId), new Claim("jti", Guid.NewGuid().ToString())]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(5).UtcDateTime,
            // The certificate's SHA-1 thumbprint goes into the header as x5t: Entra ID finds the registered certificate by it.
            SigningCredentials = new X509SigningCredentials(certificate, SecurityAlgorithms.RsaSha256),
        });
}
