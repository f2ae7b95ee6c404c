using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>
/// A provider's sign-in that found a local account with the same e-mail, kept for ten minutes in a
/// sealed cookie so the account's owner can prove its password once and link it (never the e-mail alone).
/// </summary>
public sealed record PendingLink(string Provider, string LoginProvider, string Key, string Email)
{
    private const string CookieName = "enrollment_sso_link";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static void Keep(HttpContext context, PendingLink link)
    {
        var sealedLink = Protector(context).Protect(JsonSerializer.Serialize(link), Lifetime);
        context.Response.Cookies.Append(CookieName, sealedLink, new CookieOptions
        {
            HttpOnly = true, Secure = true, SameSite = SameSiteMode.Lax, Path = "/account/sso", MaxAge = Lifetime,
        });
    }

    /// <summary>The link kept for this browser, or null when there is none, it expired or was tampered with.</summary>
    public static PendingLink? Find(HttpContext context)
    {
        if (context.Request.Cookies[CookieName] is not { } sealedLink)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<PendingLink>(Protector(context).Unprotect(sealedLink));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public static void Forget(HttpContext context) => context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/account/sso", Secure = true });

    private static ITimeLimitedDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("Enrollment.Sso.PendingLink").ToTimeLimitedDataProtector();
}
