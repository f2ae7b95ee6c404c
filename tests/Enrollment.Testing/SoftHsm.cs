using Enrollment.Ca.Hsm;
using Net.Pkcs11Interop.Common;

namespace Enrollment.Testing;

/// <summary>
/// SoftHSM2 (Debian's softhsm2) as the tests' PKCS#11 token: one configuration and token directory
/// per test process, set before the library is first loaded (SoftHSM reads SOFTHSM2_CONF once), and
/// a new token per test, initialized in the process through PKCS#11 itself.
/// </summary>
public static class SoftHsm
{
    public const string Library = "/usr/lib/softhsm/libsofthsm2.so";
    public const string SecurityOfficerPin = "so-pin-1234";
    public const string UserPin = "user-pin-5678";

    private static readonly Lazy<TemporaryDirectory> Directory = new(() =>
    {
        var directory = new TemporaryDirectory();
        var tokens = System.IO.Directory.CreateDirectory(directory.File("tokens")).FullName;
        var configuration = directory.Write("softhsm2.conf", $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", configuration);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => directory.Dispose();
        return directory;
    });

    private static int tokens;

    /// <summary>A new, empty token with its own label and the user PIN <see cref="UserPin"/>.</summary>
    public static TokenSettings NewToken()
    {
        _ = Directory.Value;
        var library = Pkcs11Token.Load(Library);
        var label = $"enrollment-test-{Environment.ProcessId}-{Interlocked.Increment(ref tokens)}";
        lock (Directory)
        {
            var free = library.GetSlotList(SlotsType.WithTokenPresent).First(slot => !slot.GetTokenInfo().TokenFlags.TokenInitialized);
            free.InitToken(SecurityOfficerPin, label);
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).Single(s => s.GetTokenInfo().Label.Trim() == label);
            using var session = slot.OpenSession(SessionType.ReadWrite);
            session.Login(CKU.CKU_SO, SecurityOfficerPin);
            session.InitPin(UserPin);
            session.Logout();
        }
        return new TokenSettings(Library, label, UserPin);
    }
}
