namespace Enrollment.Testing;

/// <summary>Certificate requests made by OpenSSL, the way users' tools make them.</summary>
public static class Csrs
{
    /// <summary>Makes a key and CSR with openssl; returns the CSR and key paths.</summary>
    public static (string Csr, string Key) Make(TemporaryDirectory directory, string name, string keyAlgorithm, string subject = "/CN=whatever")
    {
        var key = directory.File(name + ".key");
        var csr = directory.File(name + ".csr");
        string[] keyArguments = keyAlgorithm switch
        {
            "P-256" => ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "P-384" => ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "P-521" => ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
            "Ed25519" => ["genpkey", "-algorithm", "ED25519"],
            var rsa when rsa.StartsWith("RSA-", StringComparison.Ordinal) => ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + rsa[4..]],
            _ => throw new ArgumentException(keyAlgorithm),
        };
        OpenSsl.Ok(directory.Path, [.. keyArguments, "-out", key]);
        OpenSsl.Ok(directory.Path, "req", "-new", "-key", key, "-subj", subject, "-out", csr);
        return (csr, key);
    }
}
