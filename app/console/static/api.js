// The console's one way to the server: fetch with the caller's credentials, an "unreachable"
// banner while the server does not answer, and the few DOM helpers every page uses.

import { credentials, askForCredentials, forgetCredentials } from "./credentials.js";

const AUTH_ERRORS = new Set([
  "MissingAuthenticationTokenException", "UnrecognizedClientException",
  "InvalidSignatureException", "IncompleteSignatureException",
]);

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls a REST route under /v1; answers its JSON (null for 204) or throws ApiError. */
export async function api(path, { method = "GET", body, query } = {}) {
  const url = new URL("/v1" + path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  for (let attempt = 0; ; attempt++) {
    const headers = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const known = await credentials();
    if (known) headers.authorization = `Bearer ${known.accessKeyId}:${known.secret}`;
    let response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      reachable(false);
      throw new ApiError(0, "Unreachable", "The server cannot be reached.");
    }
    reachable(true);
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    if (response.status === 403 && AUTH_ERRORS.has(data.__type) && attempt < 3) {
      await askForCredentials(known ? "Those credentials were refused: " + data.message : "");
      continue;
    }
    throw new ApiError(response.status, data.__type || "Error", data.message || response.statusText);
  }
}

function reachable(yes) {
  document.getElementById("unreachable").hidden = yes;
}

/** Runs `task` now and then every `ms` while `active()` holds, waiting for each run to end. */
export function every(ms, task, active = () => true) {
  const run = async () => {
    if (active()) {
      try { await task(); } catch (error) { report(error); }
    }
    setTimeout(run, ms);
  };
  run();
}

/** Shows a failed call's error in the status line (an unreachable server has its own banner). */
export function report(error) {
  if (error.code !== "Unreachable") notice(`${error.code || "Error"}: ${error.message}`);
}

/** A message for the person, in the page's status line. */
export function notice(text) {
  const line = document.getElementById("notice");
  line.textContent = text;
  line.hidden = !text;
}

/** An element with attributes (on* as listeners) and children (strings become text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

/** A date (seconds since 1970, as the API gives them) for people; "—" when absent. */
export function when(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : "—";
}

/** A duration between two dates in seconds, short. */
export function duration(start, end) {
  if (!start) return "—";
  const seconds = (end || Date.now() / 1000) - start;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** An execution or state status as a word with its colour class (never colour alone). */
export function badge(status) {
  const word = String(status || "unknown").toLowerCase().replace(/_/g, "-");
  return el("span", { class: `badge st-${word}` }, word.replace(/-/g, " "));
}

/** The console's address of an execution or state machine. */
export const link = {
  execution: (arn) => `/console/executions/${encodeURIComponent(arn)}`,
  machine: (arn) => `/console/state-machines/${encodeURIComponent(arn)}`,
};

/** Asks the person to confirm an action; resolves true when they do. */
export function confirmAction(text, action = "Confirm") {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = action;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

/** Pretty JSON of JSON text (the API's inputs and outputs are text); the text itself if it is not JSON. */
export function pretty(text) {
  if (text === undefined || text === null) return "";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return String(text); }
}

document.addEventListener("DOMContentLoaded", () => {
  const signOut = document.getElementById("sign-out");
  credentials().then((known) => { signOut.hidden = !known; });
  signOut.addEventListener("click", async () => { await forgetCredentials(); location.reload(); });
});
