using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Enrollment.Ca.Hsm;

/// <summary>Where the CA's keys live when they are in an HSM: the PKCS#11 library, the token and its PIN.</summary>
public sealed record TokenSettings(string Library, string TokenLabel, string Pin);

/// <summary>
/// A logged-in session with one PKCS#11 token (docs/certificate-authority.md, "Keys in an HSM"). Keys are
/// generated in the token as sensitive and not extractable, or found there by label; nothing but
/// public keys and signatures ever leaves it. One session serves every key: PKCS#11 sessions are
/// not safe for concurrent use, so each operation holds the token's lock (a sign takes well under a
/// millisecond in SoftHSM2 and in network HSMs the round trip dominates anyway).
/// </summary>
public sealed class Pkcs11Token : IDisposable
{
    private static readonly Pkcs11InteropFactories Factories = new();

    /// <summary>
    /// Each library is initialized once per process and never finalized: C_Finalize would end every
    /// other session with the library, and C_Initialize a second time fails.
    /// </summary>
    private static readonly Dictionary<string, IPkcs11Library> Libraries = [];

    static Pkcs11Token()
    {
        // Pkcs11Interop loads PKCS#11 libraries through "libdl", a name only development packages
        // provide on current glibc (docs/pitfalls.md, "PKCS#11"); the runtime's libdl.so.2 is the same.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, _, _) =>
            name == "libdl" && NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero);
    }

    private readonly ISession session;
    private readonly Lock gate = new();

    private Pkcs11Token(ISession session, string label)
    {
        this.session = session;
        Label = label;
    }

    public string Label { get; }

    /// <summary>Loads the library, finds the token by label and logs in; every failure names the setting at fault.</summary>
    public static Pkcs11Token Open(TokenSettings settings)
    {
        var library = Load(settings.Library);
        var slot = library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == settings.TokenLabel)
            ?? throw new HsmException($"No token labelled '{settings.TokenLabel}' is present; check Enrollment:Ca:Hsm:TokenLabel.");
        var session = slot.OpenSession(SessionType.ReadWrite);
        try
        {
            session.Login(CKU.CKU_USER, settings.Pin);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // The login belongs to the process, not the session: another session of ours holds it.
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_LOCKED)
        {
            session.Dispose();
            throw new HsmException($"The token '{settings.TokenLabel}' refused the PIN ({e.RV}); check the PIN's file or environment variable.", e);
        }
        return new Pkcs11Token(session, settings.TokenLabel);
    }

    /// <summary>The process's instance of a PKCS#11 library, loaded and initialized on first use.</summary>
    public static IPkcs11Library Load(string path)
    {
        lock (Libraries)
        {
            if (Libraries.TryGetValue(path, out var loaded))
            {
                return loaded;
            }
            try
            {
                return Libraries[path] = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
            }
            catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or IOException)
            {
                throw new HsmException($"The PKCS#11 library '{path}' could not be loaded ({e.Message}); check Enrollment:Ca:Hsm:Library.", e);
            }
        }
    }

    /// <summary>The EC key pair with this label, or null when the token holds none.</summary>
    public Pkcs11ECDsa? FindKey(string label)
    {
        lock (gate)
        {
            var privateKey = session.FindAllObjects([Attribute(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attribute(CKA.CKA_LABEL, label)]).SingleOrDefault();
            var publicKey = session.FindAllObjects([Attribute(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), Attribute(CKA.CKA_LABEL, label)]).SingleOrDefault();
            return privateKey is null || publicKey is null ? null : new Pkcs11ECDsa(this, privateKey, ReadPublicKey(publicKey), label);
        }
    }

    /// <summary>Generates an EC key pair in the token: private half sensitive, not extractable, usable only to sign.</summary>
    public Pkcs11ECDsa GenerateKey(string label, ECCurve curve)
    {
        var parameters = CurveParameters(curve);
        var id = RandomNumberGenerator.GetBytes(16);
        lock (gate)
        {
            session.GenerateKeyPair(Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN),
                [
                    Attribute(CKA.CKA_TOKEN, true), Attribute(CKA.CKA_LABEL, label), Attribute(CKA.CKA_ID, id),
                    Attribute(CKA.CKA_VERIFY, true), Attribute(CKA.CKA_EC_PARAMS, parameters),
                ],
                [
                    Attribute(CKA.CKA_TOKEN, true), Attribute(CKA.CKA_PRIVATE, true), Attribute(CKA.CKA_LABEL, label), Attribute(CKA.CKA_ID, id),
                    Attribute(CKA.CKA_SIGN, true), Attribute(CKA.CKA_SENSITIVE, true), Attribute(CKA.CKA_EXTRACTABLE, false),
                    Attribute(CKA.CKA_DECRYPT, false), Attribute(CKA.CKA_UNWRAP, false), Attribute(CKA.CKA_DERIVE, false),
                ],
                out var publicKey, out var privateKey);
            return new Pkcs11ECDsa(this, privateKey, ReadPublicKey(publicKey), label);
        }
    }

    /// <summary>
    /// The AES-256 key with this label, generated when the token holds none: sensitive, not
    /// extractable, able to encrypt and decrypt and nothing else (it seals the Data Protection key ring).
    /// </summary>
    public TokenAesKey FindOrGenerateAesKey(string label)
    {
        lock (gate)
        {
            var key = session.FindAllObjects([Attribute(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), Attribute(CKA.CKA_LABEL, label)]).SingleOrDefault()
                ?? session.GenerateKey(Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN),
                [
                    Attribute(CKA.CKA_TOKEN, true), Attribute(CKA.CKA_PRIVATE, true), Attribute(CKA.CKA_LABEL, label),
                    Factories.ObjectAttributeFactory.Create(CKA.CKA_VALUE_LEN, 32UL),
                    Attribute(CKA.CKA_ENCRYPT, true), Attribute(CKA.CKA_DECRYPT, true), Attribute(CKA.CKA_SENSITIVE, true),
                    Attribute(CKA.CKA_EXTRACTABLE, false), Attribute(CKA.CKA_WRAP, false), Attribute(CKA.CKA_UNWRAP, false),
                    Attribute(CKA.CKA_SIGN, false), Attribute(CKA.CKA_DERIVE, false),
                ]);
            return new TokenAesKey(this, key, label);
        }
    }

    /// <summary>AES-GCM in the token with a 96-bit nonce and a 128-bit tag: the ciphertext followed by the tag.</summary>
    internal byte[] AesGcm(IObjectHandle key, byte[] nonce, byte[] data, bool encrypt)
    {
        lock (gate)
        {
            try
            {
                using var parameters = Factories.MechanismParamsFactory.CreateCkGcmParams(nonce, 96, [], 128);
                var mechanism = Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
                return encrypt ? session.Encrypt(mechanism, key, data) : session.Decrypt(mechanism, key, data);
            }
            catch (Exception e) when (e is Pkcs11Exception or ObjectDisposedException)
            {
                throw new HsmException($"The token '{Label}' did not {(encrypt ? "seal" : "open")} the data ({(e as Pkcs11Exception)?.RV.ToString() ?? "session closed"}).", e);
            }
        }
    }

    /// <summary>
    /// The token as the CA health page shows it: whether it answers, whether our login holds, and
    /// which of the given key labels it still holds. Never throws: an unreachable token is a state.
    /// </summary>
    public TokenState Probe(IReadOnlyCollection<string> keyLabels)
    {
        lock (gate)
        {
            try
            {
                var state = session.GetSessionInfo().State;
                var loggedIn = state is CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS;
                var found = keyLabels.Where(label =>
                    session.FindAllObjects([Attribute(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), Attribute(CKA.CKA_LABEL, label)]).Count == 1).ToList();
                return new TokenState(Label, Reachable: true, loggedIn, found, keyLabels.Except(found).ToList());
            }
            catch (Exception e) when (e is Pkcs11Exception or ObjectDisposedException)
            {
                return new TokenState(Label, Reachable: false, LoggedIn: false, [], keyLabels.ToList());
            }
        }
    }

    /// <summary>A raw ECDSA signature (r || s) of a hash, made in the token.</summary>
    internal byte[] Sign(IObjectHandle privateKey, byte[] hash)
    {
        lock (gate)
        {
            try
            {
                return session.Sign(Factories.MechanismFactory.Create(CKM.CKM_ECDSA), privateKey, hash);
            }
            catch (Exception e) when (e is Pkcs11Exception or ObjectDisposedException)
            {
                // A token unplugged, an HSM off the network, a session closed: the caller refuses, nothing is half-signed.
                throw new HsmException($"The token '{Label}' did not sign ({(e as Pkcs11Exception)?.RV.ToString() ?? "session closed"}).", e);
            }
        }
    }

    /// <summary>The value of a private key's CKA_VALUE: a sensitive key refuses (the test of non-extractability), and Pkcs11Interop throws.</summary>
    internal byte[] ReadSecretValue(IObjectHandle privateKey)
    {
        lock (gate)
        {
            return session.GetAttributeValue(privateKey, [CKA.CKA_VALUE])[0].GetValueAsByteArray();
        }
    }

    /// <summary>
    /// Closes the session. No C_Logout: the login is the process's, and logging out would end it for
    /// every other session; it ends by itself when the last session closes.
    /// </summary>
    public void Dispose()
    {
        lock (gate)
        {
            session.Dispose();
        }
    }

    private ECParameters ReadPublicKey(IObjectHandle publicKey)
    {
        var values = session.GetAttributeValue(publicKey, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
        var curve = ECCurve.CreateFromValue(new AsnReader(values[0].GetValueAsByteArray(), AsnEncodingRules.DER).ReadObjectIdentifier());
        var point = values[1].GetValueAsByteArray();
        var size = curve.Oid.Value == Oids.CurveP384 ? 48 : 32;
        // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point; a few tokens give the point bare.
        var uncompressed = point.Length == 2 * size + 1 ? point : new AsnReader(point, AsnEncodingRules.DER).ReadOctetString();
        if (uncompressed.Length != 2 * size + 1 || uncompressed[0] != 0x04)
        {
            throw new HsmException($"The token '{Label}' returned a public key that is not an uncompressed point.");
        }
        return new ECParameters { Curve = curve, Q = new ECPoint { X = uncompressed[1..(1 + size)], Y = uncompressed[(1 + size)..] } };
    }

    private static byte[] CurveParameters(ECCurve curve)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(curve.Oid.Value ?? throw new ArgumentException("A named curve is needed.", nameof(curve)));
        return writer.Encode();
    }

    private static IObjectAttribute Attribute(CKA type, object value) => value switch
    {
        bool flag => Factories.ObjectAttributeFactory.Create(type, flag),
        string text => Factories.ObjectAttributeFactory.Create(type, text),
        byte[] bytes => Factories.ObjectAttributeFactory.Create(type, bytes),
        CKO objectClass => Factories.ObjectAttributeFactory.Create(type, objectClass),
        _ => throw new ArgumentException("Unsupported attribute value.", nameof(value)),
    };
}

/// <summary>What a probe of the token found.</summary>
public sealed record TokenState(string TokenLabel, bool Reachable, bool LoggedIn, IReadOnlyList<string> KeysFound, IReadOnlyList<string> KeysMissing);

/// <summary>The HSM is misconfigured, unreachable or refused an operation; the message names what to check.</summary>
public sealed class HsmException(string message, Exception? inner = null) : CryptographicException(message, inner);
