using Enrollment.Web.CommandLine;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Infrastructure;
using Microsoft.Extensions.Options;

if (AdminCommandLine.IsAdminVerb(args))
{
    return await AdminCommandLine.RunAsync(args, Console.Out, Console.Error);
}

var app = EnrollmentHost.Build(args);
try
{
    await StartupInitializer.InitializeAsync(app.Services);
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join(" ", e.Failures)}");
    return 1;
}
await BootstrapAdmin.EnsureAsync(app.Services, Console.Out);
await app.RunAsync();
return 0;

/// <summary>The entry point; public so tests can find the application assembly.</summary>
public partial class Program;
