using Enrollment.Ca.Authority;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Certificates;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>One running portal shared by a test class, with helpers to make users and certificates.</summary>
public class PortalFixture : IAsyncLifetime
{
    private RunningPortal? portal;

    public RunningPortal Portal => portal ?? throw new InvalidOperationException("not started");

    public TemporaryDirectory Files { get; } = new();

    public CertificateAuthority Authority => Portal.Services.GetRequiredService<CertificateAuthority>();

    public string IssuingPem => Files.Write("issuing.pem", Authority.Issuing.ExportCertificatePem());

    public string ChainPem => Files.Write("chain.pem", Authority.Issuing.ExportCertificatePem() + "\n" + Authority.Root.ExportCertificatePem());

    public string OcspUrl => new Uri(Portal.Http, "pki/ocsp").AbsoluteUri;

    /// <summary>Extra portal settings of a derived fixture (another database).</summary>
    protected virtual string[] Settings => [];

    public async Task InitializeAsync() => portal = await RunningPortal.StartAsync(Settings);

    public async Task<EnrollmentUser> AddUserAsync(string email, string employeeId)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = new EnrollmentUser { UserName = email, Email = email, DisplayName = "Test " + employeeId, EmployeeId = employeeId, CreatedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>Issues through the portal's own service from an OpenSSL CSR; returns the serial and the PEM path.</summary>
    public async Task<(string Serial, string Pem)> IssueAsync(EnrollmentUser user)
    {
        var (csr, _) = Csrs.Make(Files, Guid.NewGuid().ToString("N"), "P-256");
        await using var scope = Portal.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueFromCsrAsync(user, File.ReadAllBytes(csr), null, default);
        Assert.Null(result.Refusal);
        return (result.Serial!, Files.Write(result.Serial + ".pem", result.Certificate!.ExportCertificatePem()));
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        Files.Dispose();
    }
}

/// <summary>The same portal with its records on the tests' PostgreSQL (a database of its own).</summary>
public sealed class PostgreSqlPortalFixture : PortalFixture
{
    protected override string[] Settings => PortalDatabases.PostgreSql();
}

/// <summary>The portal on SQLite whatever the run's database: for tests of the data directory's database file itself.</summary>
public sealed class SqliteFilePortalFixture : PortalFixture
{
    protected override string[] Settings => [PortalDatabases.SqliteFile];
}
