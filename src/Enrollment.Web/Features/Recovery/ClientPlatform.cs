namespace Enrollment.Web.Features.Recovery;

/// <summary>The visitor's browser and operating system, as far as the User-Agent tells.</summary>
public sealed record ClientPlatform(string Browser, string System)
{
    public static readonly string[] Browsers = ["Chrome", "Edge", "Firefox", "Safari"];

    public static readonly string[] Systems = ["Windows", "macOS", "Linux"];

    /// <summary>Phones and tablets: their own steps, which start with "use your computer".</summary>
    public static readonly string[] MobileSystems = ["iOS", "Android"];

    /// <summary>Where a certificate can be kept: each system's store, and Firefox's own on every system.</summary>
    public static readonly string[] StoreKeys = [.. Systems, "Firefox"];

    /// <summary>Edge and Chrome both say "Chrome"; Chrome and Safari both say "Safari": order matters.</summary>
    public static ClientPlatform From(string? userAgent)
    {
        var ua = userAgent ?? string.Empty;
        var browser = ua.Contains("Edg/", StringComparison.Ordinal) ? "Edge"
            : ua.Contains("Firefox/", StringComparison.Ordinal) ? "Firefox"
            : ua.Contains("Chrome/", StringComparison.Ordinal) || ua.Contains("Chromium/", StringComparison.Ordinal) ? "Chrome"
            : ua.Contains("Safari/", StringComparison.Ordinal) ? "Safari"
            : "Chrome";
        // Android's User-Agent names Linux too, and an iPhone's "like Mac OS X": the phones come first.
        var system = ua.Contains("Android", StringComparison.Ordinal) ? "Android"
            : ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPad", StringComparison.Ordinal) ? "iOS"
            : ua.Contains("Windows", StringComparison.Ordinal) ? "Windows"
            : ua.Contains("Mac OS X", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal) ? "macOS"
            : "Linux";
        return new ClientPlatform(browser, system);
    }

    public bool IsMobile => MobileSystems.Contains(System);

    /// <summary>The resource key of the certificate-store steps: Firefox keeps its own store everywhere.</summary>
    public string StoreKey => Browser == "Firefox" ? "Firefox" : System;
}
