// Credentials for a server that requires them (SFN_AUTH=sigv4): asked for once, kept for the
// browser tab in sessionStorage encrypted with AES-GCM under a key that cannot be exported
// (kept in IndexedDB), so the secret is never written anywhere as plain text. Without Web Crypto
// (a page not served from localhost or HTTPS) they are kept in memory only, for this page.

const STORE = "sfn-console-credentials";
let inMemory = null;
let asking = null;

function keyDatabase() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open("sfn-console", 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore("keys");
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function storedKey(create) {
  const db = await keyDatabase();
  const read = (mode, action) => new Promise((resolve, reject) => {
    const request = action(db.transaction("keys", mode).objectStore("keys"));
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  let key = await read("readonly", (keys) => keys.get("credentials"));
  if (!key && create) {
    key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await read("readwrite", (keys) => keys.put(key, "credentials"));
  }
  return key;
}

const encrypting = () => Boolean(globalThis.crypto && crypto.subtle && globalThis.indexedDB);
const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const text64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));

async function save(value) {
  inMemory = value;
  if (!encrypting()) return;
  const key = await storedKey(true);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(JSON.stringify(value)));
  sessionStorage.setItem(STORE, JSON.stringify({ iv: text64(iv), data: text64(sealed) }));
}

/** The credentials given in this tab, or null. */
export async function credentials() {
  if (inMemory || !encrypting()) return inMemory;
  const sealed = sessionStorage.getItem(STORE);
  if (!sealed) return null;
  try {
    const { iv, data } = JSON.parse(sealed);
    const key = await storedKey(false);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(iv) }, key, bytes(data));
    inMemory = JSON.parse(new TextDecoder().decode(plain));
  } catch {
    sessionStorage.removeItem(STORE);
  }
  return inMemory;
}

export async function forgetCredentials() {
  inMemory = null;
  sessionStorage.removeItem(STORE);
}

/** Shows the sign-in dialog (once, however many calls wait) and keeps what is entered. */
export function askForCredentials(problem) {
  if (asking) return asking;
  const dialog = document.getElementById("sign-in");
  const form = document.getElementById("sign-in-form");
  document.getElementById("sign-in-error").textContent = problem || "";
  asking = new Promise((resolve) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await save({ accessKeyId: form.accessKeyId.value.trim(), secret: form.secret.value });
      form.secret.value = "";
      dialog.close();
      document.getElementById("sign-out").hidden = false;
      asking = null;
      resolve();
    }, { once: true });
  });
  dialog.showModal();
  return asking;
}
