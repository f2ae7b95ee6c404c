using Enrollment.Web.Features.Admin.Audit;
using Enrollment.Web.Features.Authority;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Publication;

namespace Enrollment.Web.Infrastructure;

/// <summary>Builds the web host; the admin verbs build the same services without the web parts.</summary>
public static class EnrollmentHost
{
    /// <summary>
    /// A redirect during static rendering sets the response and returns instead of throwing a
    /// NavigationException (the .NET 10 template's choice; IdentityRedirectManager's callers return
    /// after redirecting). Set here rather than through the MSBuild property, which only reaches the
    /// portal's own runtimeconfig: a test host would otherwise run the other behaviour.
    /// </summary>
    private const string NavigationWithoutExceptionSwitch = "Microsoft.AspNetCore.Components.Endpoints.NavigationManager.DisableThrowNavigationException";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        AppContext.SetSwitch(NavigationWithoutExceptionSwitch, true);
        var builder = CreateBuilder(args);
        builder.AddEnrollmentWeb();
        configure?.Invoke(builder);
        Features.Gate.UnixSocketPeer.RemoveStaleSockets(builder.Configuration);
        var app = builder.Build();
        app.UseEnrollmentPipeline();
        return app;
    }

    /// <summary>Configuration, database, Identity and the CA: what both the portal and the admin verbs need.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json sits beside the executable; the data directory stays relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            // Fixed, so static assets and Data Protection are found the same under a test host.
            ApplicationName = typeof(EnrollmentHost).Assembly.GetName().Name,
        });
        // The same service provider in every environment: Development (the README's run command and the
        // tests) would otherwise validate every registration at build, and the admin verbs register
        // the account services without the web parts they need only in a request.
        builder.Host.UseDefaultServiceProvider(options =>
        {
            options.ValidateOnBuild = false;
            options.ValidateScopes = false;
        });
        // Serve wwwroot from the build output under `dotnet run` in any environment; a no-op once published.
        builder.WebHost.UseStaticWebAssets();
        builder.AddEnrollmentCore();
        builder.Services.AddCertificateAuthority().AddCertificates().AddPublication().AddAuditAnchor();
        return builder;
    }
}
