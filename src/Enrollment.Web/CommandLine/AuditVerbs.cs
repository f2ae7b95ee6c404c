using System.CommandLine;
using Enrollment.Data;

namespace Enrollment.Web.CommandLine;

/// <summary><c>audit verify</c>.</summary>
internal static class AuditVerbs
{
    public static Command Create()
    {
        var verify = new Command("verify", "Verify the audit log's hash chain.");
        verify.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: false, async (services, output, error) =>
        {
            await using var scope = services.CreateAsyncScope();
            var broken = await AuditTrail.FindFirstBrokenAsync(scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>());
            if (broken is { } id)
            {
                return await AdminCommandLine.FailAsync(error, $"The audit chain is broken at event {id}: that row or the one before it was altered.");
            }
            await output.WriteLineAsync("The audit chain is intact.");
            return 0;
        }));
        return new Command("audit", "Audit log.") { verify };
    }
}
