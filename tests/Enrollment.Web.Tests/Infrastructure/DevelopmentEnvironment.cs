using System.Runtime.CompilerServices;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>
/// Portals and admin verbs in these tests run as on a developer's machine (README's run command):
/// the Development environment, where CA keys may be sealed by a key ring kept in clear. The tests
/// of the production configuration pass --environment=Production themselves.
/// </summary>
internal static class DevelopmentEnvironment
{
    [ModuleInitializer]
    internal static void Use() => Environment.SetEnvironmentVariable("ASPNETCORE_ENVIRONMENT", "Development");
}
