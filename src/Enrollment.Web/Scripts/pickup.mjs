// The pickup page's browser side: key generation, CSR, PKCS#12 and downloads. Blazor calls these
// through a module reference. The private key and the file password stay in this page: the key
// lives in `pending` until the PKCS#12 is built, and the password is read from its input here,
// never bound to the server.
import { hasWebCrypto, makeKeyAndCsr, makePkcs12 } from "./pkcs.mjs";

const pending = new Map();
let nextHandle = 1;

export function supported() {
  return hasWebCrypto();
}

const toBase64 = bytes => btoa(String.fromCharCode(...bytes));
const fromBase64 = text => Uint8Array.from(atob(text), c => c.charCodeAt(0));

/** Returns a handle to the new private key and the CSR (base64 DER) to send. */
export async function start(keyType) {
  const { privateKey, csr } = await makeKeyAndCsr(keyType);
  const handle = nextHandle++;
  pending.set(handle, privateKey);
  return { handle, csr: toBase64(csr) };
}

/** Builds the PKCS#12 with the typed password, saves it, then forgets the key and clears the password fields. */
export async function finish(handle, certificate, chain, password, confirmation, fileName, friendlyName) {
  const privateKey = pending.get(handle);
  if (!privateKey) {
    throw new Error("key-missing");
  }
  try {
    const file = await makePkcs12(privateKey, fromBase64(certificate), chain.map(fromBase64), password.value, friendlyName);
    save(fileName, "application/x-pkcs12", file);
  } finally {
    forget(handle);
    password.value = "";
    confirmation.value = "";
  }
}

export function forget(handle) {
  pending.delete(handle);
}

/** "" when the two passwords are usable, otherwise "short" or "mismatch". */
export function checkPasswords(password, confirmation, minimumLength) {
  if (password.value.length < minimumLength) {
    return "short";
  }
  return password.value === confirmation.value ? "" : "mismatch";
}

/** A rough strength from length and character variety: 0 (too short) to 4 (strong). */
export function strength(text, minimumLength) {
  if (text.length < minimumLength) {
    return 0;
  }
  const pools = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(p => p.test(text)).length;
  const bits = text.length * Math.log2(Math.max(10, [0, 26, 52, 62, 95][pools]));
  return bits < 60 ? 1 : bits < 80 ? 2 : bits < 100 ? 3 : 4;
}

/** Shows the strength of the password as the user types, with the page's localized labels. */
export function watchStrength(password, meter, label, labels, minimumLength) {
  const update = () => {
    const score = password.value.length === 0 ? -1 : strength(password.value, minimumLength);
    meter.value = Math.max(score, 0);
    label.textContent = score < 0 ? "" : labels[score];
    meter.dataset.strength = String(score);
  };
  password.addEventListener("input", update);
  update();
}

/** Saves bytes from the server (a DotNetStreamReference) as a file. */
export async function download(fileName, contentType, stream) {
  save(fileName, contentType, new Uint8Array(await stream.arrayBuffer()));
}

/** Copies the text of an element to the clipboard. */
export async function copy(element) {
  await navigator.clipboard.writeText(element.value ?? element.textContent);
}

// The last file saved, so the page can offer to save it again (a download blocked or put
// somewhere unexpected) for as long as it stays open; it is gone with the page.
let lastSaved = null;

/** Saves the page's last file once more; false when there is none. */
export function saveAgain() {
  if (!lastSaved) {
    return false;
  }
  save(lastSaved.fileName, lastSaved.contentType, lastSaved.bytes);
  return true;
}

function save(fileName, contentType, bytes) {
  lastSaved = { fileName, contentType, bytes };
  const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
  const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function userAgent() {
  return navigator.userAgent;
}
