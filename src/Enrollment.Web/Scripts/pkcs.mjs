// Key pairs, PKCS#10 requests and PKCS#12 files made in the browser with WebCrypto (pkijs, asn1js).
// Nothing here touches the page, so Node's WebCrypto can run it too.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const Oid = {
  commonName: "2.5.4.3",
  keyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
};

// PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256, as the server-made files use.
const iterations = 100_000;

const algorithms = {
  "ECDSA P-256": { name: "ECDSA", namedCurve: "P-256" },
  "ECDSA P-384": { name: "ECDSA", namedCurve: "P-384" },
  "RSA 2048": { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  "RSA 3072": { name: "RSASSA-PKCS1-v1_5", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
};

export const keyTypes = Object.keys(algorithms);

export function hasWebCrypto() {
  return Boolean(globalThis.crypto?.subtle) && globalThis.isSecureContext !== false;
}

/** Makes a key pair (the private key extractable only so it can go into the PKCS#12) and a CSR for it. */
export async function makeKeyAndCsr(keyType) {
  const algorithm = algorithms[keyType];
  if (!algorithm) {
    throw new Error(`unknown key type ${keyType}`);
  }
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const request = new pkijs.CertificationRequest();
  // The portal ignores the subject and takes it from the user record; the CN only names the file's origin.
  request.subject.typesAndValues.push(new pkijs.AttributeTypeAndValue({
    type: Oid.commonName,
    value: new asn1js.Utf8String({ value: "Enrollment browser key" }),
  }));
  // PKCS#10 requires the attributes field, even empty; pkijs writes it only when it is set.
  request.attributes = [];
  await request.subjectPublicKeyInfo.importKey(keys.publicKey);
  await request.sign(keys.privateKey, "SHA-256");
  return { privateKey: keys.privateKey, csr: new Uint8Array(request.toSchema(true).toBER(false)) };
}

/** Builds a password-protected PKCS#12 holding the key, its certificate and the chain. */
export async function makePkcs12(privateKey, certificateDer, chainDers, password, friendlyName) {
  const secret = new TextEncoder().encode(password).buffer;
  const encryption = { password: secret, contentEncryptionAlgorithm: { name: "AES-CBC", length: 256 }, hmacHashAlgorithm: "SHA-256", iterationCount: iterations };
  const keyId = new Uint8Array(await crypto.subtle.digest("SHA-256", certificateDer));
  // The same localKeyId on key and certificate is how importers pair them.
  const attributes = [
    new pkijs.Attribute({ type: Oid.localKeyId, values: [new asn1js.OctetString({ valueHex: keyId })] }),
    new pkijs.Attribute({ type: Oid.friendlyName, values: [new asn1js.BmpString({ value: friendlyName })] }),
  ];

  const keyBag = new pkijs.PKCS8ShroudedKeyBag({
    parsedValue: pkijs.PrivateKeyInfo.fromBER(await crypto.subtle.exportKey("pkcs8", privateKey)),
  });
  await keyBag.makeInternalValues(encryption);

  const certificateBag = (der, bagAttributes) => new pkijs.SafeBag({
    bagId: Oid.certBag,
    bagValue: new pkijs.CertBag({ certId: Oid.x509Certificate, certValue: new asn1js.OctetString({ valueHex: der }) }),
    ...(bagAttributes ? { bagAttributes } : {}),
  });

  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: Oid.keyBag, bagValue: keyBag, bagAttributes: attributes })] }) },
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: [certificateBag(certificateDer, attributes), ...chainDers.map(der => certificateBag(der))] }) },
          ],
        },
      }),
    },
  });
  await pfx.parsedValue.authenticatedSafe.makeInternalValues({ safeContents: [{}, encryption] });
  await pfx.makeInternalValues({ password: secret, iterations, pbkdf2HashAlgorithm: "SHA-256", hmacHashAlgorithm: "SHA-256" });
  return new Uint8Array(pfx.toSchema().toBER(false));
}
