using System.CommandLine;
using Enrollment.Data;
using Enrollment.Web.Features.Admin.Audit;

namespace Enrollment.Web.CommandLine;

/// <summary><c>audit verify</c>.</summary>
internal static class AuditVerbs
{
    public static Command Create()
    {
        var verify = new Command("verify", "Verify the audit log's hash chain and its signed checkpoint outside the database.");
        verify.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            await using var scope = services.CreateAsyncScope();
            var verification = await services.GetRequiredService<AuditAnchor>().VerifyAsync(scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>());
            if (!verification.IsIntact)
            {
                return await AdminCommandLine.FailAsync(error, verification.Message);
            }
            await output.WriteLineAsync(verification.Message);
            return 0;
        }));
        return new Command("audit", "Audit log.") { verify };
    }
}
