using System.CommandLine;
using Enrollment.Web.Features.Publication;

namespace Enrollment.Web.CommandLine;

/// <summary><c>crl publish</c>.</summary>
internal static class CrlVerbs
{
    public static Command Create()
    {
        var publish = new Command("publish", "Publish a new CRL now.");
        publish.SetAction((parsed, _) => AdminCommandLine.WithServicesAsync(parsed, provisionCa: true, async (services, output, _) =>
        {
            var crl = await services.GetRequiredService<CrlPublisher>().PublishAsync(AdminCommandLine.Actor, CancellationToken.None);
            await output.WriteLineAsync($"Published CRL number {crl.Info.Number} with {crl.Info.EntryCount} entries, next update {crl.Info.NextUpdate:u}.");
            return 0;
        }));
        return new Command("crl", "Certificate revocation list.") { publish };
    }
}
