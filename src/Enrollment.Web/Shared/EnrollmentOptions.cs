using System.ComponentModel.DataAnnotations;

namespace Enrollment.Web.Shared;

/// <summary>The portal's own settings, section "Enrollment" (environment: Enrollment__Name).</summary>
public sealed class EnrollmentOptions
{
    public const string SectionName = "Enrollment";

    /// <summary>Where every piece of state lives: database, CA, keys, mail pickup. Defaults to "data" under the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Base URL written into certificates' CDP and AIA extensions and served for the PKI endpoints.
    /// Plain http:// (RFC 5280 advice). Defaults to "http://localhost:5000/".
    /// </summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000/";

    /// <summary>
    /// The portal's HTTPS address: every link in mail is built on it (never on a request's Host), and
    /// its host is one of the names the portal answers. Defaults to "https://localhost:5001/".
    /// </summary>
    [Required, Url]
    public string PortalUrl { get; set; } = "https://localhost:5001/";

    /// <summary>O= of every certificate subject. Defaults to "Enrollment".</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string Organization { get; set; } = "Enrollment";

    /// <summary>The database (section Enrollment:Database): SQLite in the data directory by default.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>
    /// Whether every browser gets the cookie a balancer hashes on to keep its circuit on one node
    /// (Infrastructure/AffinityCookie.cs). Defaults to on with a server database (several nodes), off with SQLite.
    /// </summary>
    public bool? AffinityCookie { get; set; }

    public bool AffinityCookieOrDefault => AffinityCookie ?? Database.Provider != Enrollment.Data.DatabaseProvider.Sqlite;

    /// <summary>The full path of a setting under the data directory.</summary>
    public string PathOf(params string[] parts) =>
        Path.Combine([Path.GetFullPath(DataDirectory), .. parts]);
}

/// <summary>The database, section "Enrollment:Database".</summary>
public sealed class DatabaseOptions
{
    /// <summary>Sqlite (the default: enrollment.db in the data directory), PostgreSql or SqlServer.</summary>
    public Enrollment.Data.DatabaseProvider Provider { get; set; } = Enrollment.Data.DatabaseProvider.Sqlite;

    /// <summary>The server's connection string; required for PostgreSql and SqlServer, unused for Sqlite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Whether the portal applies its migrations at start (the default). Off where its database user
    /// may not change the schema: the portal then refuses to start on an old schema, and the
    /// <c>db migrate</c> verb (or the DBA, with the script of <c>db script</c>) brings it up to date.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// How a node learns of the request changes other nodes make, for open queues and "my requests":
    /// Listen (PostgreSQL's LISTEN/NOTIFY; its default), Poll (every two seconds; SQL Server's default,
    /// and for PostgreSQL behind a pooler in transaction mode, where LISTEN does not work) or None
    /// (SQLite's default: one node).
    /// </summary>
    public RequestNotifications? Notifications { get; set; }

    public RequestNotifications NotificationsOrDefault => Notifications ?? Provider switch
    {
        Enrollment.Data.DatabaseProvider.PostgreSql => RequestNotifications.Listen,
        Enrollment.Data.DatabaseProvider.SqlServer => RequestNotifications.Poll,
        _ => RequestNotifications.None,
    };

    /// <summary>Where the portal's records are, for the chosen provider.</summary>
    public Enrollment.Data.DatabaseSettings Settings(EnrollmentOptions options) => Provider == Enrollment.Data.DatabaseProvider.Sqlite
        ? new(Provider, options.PathOf("enrollment.db"))
        : new(Provider, ConnectionString is { Length: > 0 } connection
            ? connection
            : throw new InvalidOperationException($"Enrollment:Database:ConnectionString is required with Enrollment:Database:Provider={Provider}."));
}

/// <summary>How nodes learn of each other's request changes (<see cref="DatabaseOptions.Notifications"/>).</summary>
public enum RequestNotifications
{
    None,
    Listen,
    Poll,
}

/// <summary>The certificate authority, section "Enrollment:Ca".</summary>
public sealed class CaOptions
{
    public const string SectionName = "Enrollment:Ca";

    /// <summary>
    /// Passphrase for the CA keys (encrypted PKCS#8, PBES2 AES-256). When empty the keys are
    /// protected by ASP.NET Data Protection with keys in the data directory. Defaults to empty.
    /// </summary>
    public string? KeyPassphrase { get; set; }

    /// <summary>Where the CA keys live when they are in an HSM (section Enrollment:Ca:Hsm); none by default.</summary>
    public HsmOptions Hsm { get; set; } = new();

    /// <summary>Issuing CA curve for a generated CA: 256 or 384. Defaults to 256.</summary>
    [AllowedValues(256, 384)]
    public int IssuingKeyBits { get; set; } = 256;

    /// <summary>Validity of issued client certificates in days. Defaults to 365.</summary>
    [Range(1, 3650)]
    public int CertificateValidityDays { get; set; } = 365;

    /// <summary>How long a CRL is valid (nextUpdate - thisUpdate) in hours; re-published at half. Defaults to 168 (7 days).</summary>
    [Range(1, 24 * 90)]
    public int CrlValidityHours { get; set; } = 168;

    /// <summary>How long an OCSP answer is valid in hours; re-signed at half. Defaults to 24.</summary>
    [Range(1, 24 * 7)]
    public int OcspValidityHours { get; set; } = 24;

    /// <summary>
    /// How long an HTTP cache may keep an OCSP answer to a GET (Cache-Control max-age, never past the
    /// answer's nextUpdate), in seconds: the longest a cache could go on serving "good" after a
    /// revocation. Defaults to 300.
    /// </summary>
    [Range(0, 24 * 3600)]
    public int OcspHttpMaxAgeSeconds { get; set; } = 300;
}

/// <summary>Rate limits, section "Enrollment:RateLimits".</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Enrollment:RateLimits";

    /// <summary>Requests per second one client address may make to /pki endpoints. Defaults to 500.</summary>
    [Range(1, 10_000_000)]
    public int PublicPerSecond { get; set; } = 500;

    /// <summary>Burst allowance above the steady rate for /pki endpoints. Defaults to 1000.</summary>
    [Range(1, 10_000_000)]
    public int PublicBurst { get; set; } = 1000;

    /// <summary>
    /// Audited refusals a visitor who is not signed in may cause per minute from one address (the
    /// recovery pages anyone can open). Past it the page still explains, without a reference code,
    /// and nothing is written. Defaults to 30.
    /// </summary>
    [Range(1, 10_000_000)]
    public int AnonymousRefusalAuditsPerMinute { get; set; } = 30;

    /// <summary>
    /// Audited refusals one signed-in user may cause per minute, from any address: a loop of page
    /// loads by one account cannot fill the audit log either. Defaults to 60.
    /// </summary>
    [Range(1, 10_000_000)]
    public int SignedInRefusalAuditsPerMinute { get; set; } = 60;
}

/// <summary>
/// A PKCS#11 token for the CA keys, section "Enrollment:Ca:Hsm". The PIN is read from a file
/// (<see cref="PinFile"/>) or from the environment variable ENROLLMENT_CA_HSM_PIN, never from the
/// command line or the configuration files themselves.
/// </summary>
public sealed class HsmOptions
{
    public const string PinVariable = "ENROLLMENT_CA_HSM_PIN";

    /// <summary>The PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. Empty: no HSM (the default).</summary>
    public string? Library { get; set; }

    /// <summary>The label of the token that holds (or will hold) the CA keys.</summary>
    public string? TokenLabel { get; set; }

    /// <summary>A file holding the user PIN (owner-only); when empty, ENROLLMENT_CA_HSM_PIN is read.</summary>
    public string? PinFile { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Library);
}
