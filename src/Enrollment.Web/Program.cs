using Enrollment.Web.CommandLine;
using Enrollment.Web.Infrastructure;

if (AdminCommandLine.IsAdminVerb(args))
{
    return await AdminCommandLine.RunAsync(args, Console.Out, Console.Error);
}

var app = EnrollmentHost.Build(args);
await StartupInitializer.InitializeAsync(app.Services);
await BootstrapAdmin.EnsureAsync(app.Services, Console.Out);
await app.RunAsync();
return 0;

/// <summary>The entry point; public so tests can find the application assembly.</summary>
public partial class Program;
