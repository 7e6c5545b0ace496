// The demo app's passkey page (GET /passkeys): an account, a password sign-in,
// a passkey added and a sign-in with it, all in cookie mode against the Worker.
//
// - WebAuthn refuses IP addresses as RP ID, so the page runs on
//   http://localhost:<port> only (127.0.0.1 is sent there) and calls the Worker
//   on localhost too: the same site, so the SameSite=Strict refresh cookie goes
//   along. The dev server lists this origin in ALLOWED_ORIGINS and
//   WEBAUTHN_ORIGINS (worker-vars.ts).
// - The access token lives in a variable of the page's script, nowhere else;
//   the refresh token in the Worker's HttpOnly `__Host-refresh` cookie, which the
//   page shows is not in `document.cookie` (cookies are per host, not per port,
//   so a readable one would show up here).
// - The script and @simplewebauthn/browser (its ES modules, from node_modules)
//   are served by the demo app itself: no CDN, and a CSP of 'self' for scripts.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { escapeHtml } from "../stack/html.ts";

export const PASSKEY_PAGE_PATH = "/passkeys";
const SCRIPT_PATH = "/passkeys.js";
const LIBRARY_PREFIX = "/assets/simplewebauthn-browser/";

/** @simplewebauthn/browser's ES module folder (its package's "import" entry is index.js there). */
const libraryDir = path.dirname(fileURLToPath(import.meta.resolve("@simplewebauthn/browser")));

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The answer to a GET of `pathname` if it is one of the passkey page's, else
 * undefined. `host` is the twin the browser used; the ports are the demo
 * app's and the Worker's.
 */
export async function passkeyPageResponse(
  pathname: string,
  host: "localhost" | "127.0.0.1",
  ports: { demo: number; worker: string },
): Promise<PageResponse | undefined> {
  if (pathname === PASSKEY_PAGE_PATH) {
    if (host !== "localhost") {
      return {
        status: 302,
        headers: { location: `http://localhost:${ports.demo}${PASSKEY_PAGE_PATH}` },
        body: "",
      };
    }
    const worker = `http://localhost:${ports.worker}`;
    return {
      status: 200,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": [
          "default-src 'none'",
          "script-src 'self'",
          `connect-src ${worker}`,
          "style-src 'unsafe-inline'",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join("; "),
      },
      body: pageHtml(worker, `http://localhost:${ports.demo}`),
    };
  }
  if (pathname === SCRIPT_PATH) return script(PAGE_SCRIPT);
  if (pathname.startsWith(LIBRARY_PREFIX)) {
    const file = libraryFile(pathname.slice(LIBRARY_PREFIX.length));
    if (file === undefined) return undefined;
    try {
      return script(await readFile(file, "utf8"));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A module file inside the library's folder, or undefined for anything else. */
function libraryFile(relative: string): string | undefined {
  if (!/^[\w-]+(\/[\w-]+)*\.js$/.test(relative)) return undefined;
  const file = path.resolve(libraryDir, relative);
  return file.startsWith(libraryDir + path.sep) ? file : undefined;
}

const script = (body: string): PageResponse => ({
  status: 200,
  headers: { "content-type": "text/javascript; charset=utf-8" },
  body,
});

function pageHtml(worker: string, self: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Passkeys demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:38rem;margin:3rem auto;padding:0 1rem;line-height:1.4}
label{display:block;margin:.5rem 0}input{display:block;width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
button{padding:.5rem .9rem;font:inherit;border:0;border-radius:4px;background:#1a73e8;color:#fff;cursor:pointer}
button:disabled{background:#9bbbe8;cursor:default}
#status{font-weight:600}#message[data-kind=error],.bad{color:#c5221f}#message[data-kind=done],.good{color:#137333}
code{word-break:break-all}.note{color:#555;font-size:.9rem}</style>
</head><body data-worker="${escapeHtml(worker)}">
<h1>Passkeys demo</h1>
<p class="note">This page (<code>${escapeHtml(self)}</code>) signs in at the Worker
(<code>${escapeHtml(worker)}</code>) in cookie mode: the refresh token stays in the Worker's
HttpOnly <code>__Host-refresh</code> cookie, the access token in a variable of this page's script.</p>
<p id="status" role="status">Signed out</p>
<label>Email <input id="email" type="email" autocomplete="username" required></label>
<label>Password <input id="password" type="password" autocomplete="current-password" minlength="15"></label>
<div class="buttons">
<button type="button" id="register">Create account</button>
<button type="button" id="password-login">Sign in (password)</button>
<button type="button" id="add-passkey" disabled>Add a passkey</button>
<button type="button" id="passkey-login">Sign in with a passkey</button>
<button type="button" id="logout" disabled>Sign out</button>
</div>
<p id="message" aria-live="polite"></p>
<h2>Your passkeys</h2>
<ul id="passkeys"><li>Sign in to see them.</li></ul>
<h2>What this page's script can read</h2>
<p id="cookies"></p>
<p><a href="/">Back to the demo app</a></p>
<script type="module" src="${SCRIPT_PATH}"></script>
</body></html>`;
}

/**
 * The page's script: plain ES2020 module, served as written. Messages go in as
 * text (textContent), never as markup, including the Worker's error_description.
 */
export const PAGE_SCRIPT = `import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
} from "${LIBRARY_PREFIX}index.js";

const worker = document.body.dataset.worker;
const $ = (id) => document.getElementById(id);
const buttons = ["register", "password-login", "add-passkey", "passkey-login", "logout"].map($);

// The access token: in this variable only (no Web Storage, no cookie of this page).
let accessToken = null;

function show(kind, text) {
  $("message").dataset.kind = kind;
  $("message").textContent = text;
}

/** The refresh token must never be readable here: the Worker's cookie is HttpOnly. */
function showCookies() {
  const cookies = document.cookie;
  const visible = /refresh/i.test(cookies);
  const line = $("cookies");
  line.dataset.refreshVisible = String(visible);
  line.className = visible ? "bad" : "good";
  line.textContent =
    "document.cookie is " + JSON.stringify(cookies) + ": " +
    (visible ? "a refresh token is readable by script!" : "no refresh token in it.");
}

function setSignedIn(user, how) {
  const status = $("status");
  status.dataset.user = user ? user.email : "";
  status.textContent = user ? "Signed in as " + user.email + " (" + how + ")" : "Signed out";
  enableButtons();
  showCookies();
}

const webauthn = browserSupportsWebAuthn();

/** What can be done now: passkeys need WebAuthn, adding one and signing out a session. */
function enableButtons() {
  $("register").disabled = false;
  $("password-login").disabled = false;
  $("add-passkey").disabled = !webauthn || !accessToken;
  $("passkey-login").disabled = !webauthn;
  $("logout").disabled = !accessToken;
}

class WorkerError extends Error {}

/** A call to the Worker. "include" only where the refresh cookie is set, read or ended. */
async function call(method, path, { body, bearer = false, cookie = false } = {}) {
  const headers = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (bearer) headers.authorization = "Bearer " + accessToken;
  const res = await fetch(worker + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: cookie ? "include" : "omit",
    cache: "no-store",
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    // The Worker's error body: { error, error_description }.
    const what = data && (data.error_description || data.error);
    throw new WorkerError(method + " " + path + ": " + res.status + (what ? " " + what : ""));
  }
  return data;
}

/** Keeps the access token of a sign-in answer and shows whose it is. */
async function signedIn(tokens, how) {
  if (!tokens || !tokens.access_token) {
    throw new WorkerError("The Worker answered without an access token.");
  }
  accessToken = tokens.access_token;
  const user = await call("GET", "/v1/me", { bearer: true });
  setSignedIn(user, how);
  await listPasskeys();
}

async function listPasskeys() {
  const list = $("passkeys");
  if (!accessToken) {
    list.replaceChildren(item("Sign in to see them."));
    return;
  }
  let passkeys;
  try {
    ({ passkeys } = await call("GET", "/v1/passkeys", { bearer: true }));
  } catch (error) {
    list.replaceChildren(item("Could not list them: " + error.message));
    return;
  }
  list.replaceChildren(
    ...(passkeys.length === 0
      ? [item("None yet.")]
      : passkeys.map((p) =>
          item(
            p.name + " (added " + p.created_at + ", last used " + (p.last_used_at || "never") +
              ", " + p.device_type + (p.backed_up ? ", backed up" : "") + ")",
          ),
        )),
  );
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

/** A passkey's answer to a fresh challenge: for this account's passkeys, or any (no email). */
async function passkeyAssertion(email) {
  const { flow_id, options } = await call("POST", "/v1/passkeys/login/options", {
    body: email ? { email } : {},
  });
  return { flow_id, response: await startAuthentication({ optionsJSON: options }) };
}

const credentials = () => ({ email: $("email").value.trim(), password: $("password").value });

const actions = {
  async register() {
    const { email } = credentials();
    await call("POST", "/v1/register", { body: credentials() });
    return "Account " + email + " created. Sign in with its password next.";
  },
  async "password-login"() {
    const { email } = credentials();
    let tokens = await call("POST", "/v1/login", {
      body: { ...credentials(), token_transport: "cookie" },
      cookie: true,
    });
    if (!tokens.mfa_required) {
      await signedIn(tokens, "password");
      return "Signed in with the password.";
    }
    // A registered passkey is a second factor after the password (a TOTP code is
    // one too, which this demo does not ask for).
    if (!(tokens.methods || []).includes("passkey")) {
      throw new WorkerError("This account's second factor is a one-time code, which this demo does not ask for.");
    }
    tokens = await call("POST", "/v1/login/mfa", {
      body: { mfa_token: tokens.mfa_token, passkey: await passkeyAssertion(email) },
      cookie: true,
    });
    await signedIn(tokens, "password + passkey");
    return "Signed in with the password and a passkey.";
  },
  async "add-passkey"() {
    // A passkey is a new way in: the account's password confirms the owner.
    const { flow_id, options } = await call("POST", "/v1/passkeys/register/options", {
      body: { password: credentials().password },
      bearer: true,
    });
    const response = await startRegistration({ optionsJSON: options });
    const added = await call("POST", "/v1/passkeys/register/verify", {
      body: { flow_id, response, name: "Demo app passkey" },
      bearer: true,
    });
    await listPasskeys();
    return "Passkey " + JSON.stringify(added.name) + " added.";
  },
  async "passkey-login"() {
    // No email: the authenticator offers the passkeys it holds for this RP (discoverable).
    const tokens = await call("POST", "/v1/passkeys/login/verify", {
      body: { ...(await passkeyAssertion()), token_transport: "cookie" },
      cookie: true,
    });
    await signedIn(tokens, "passkey");
    return "Signed in with a passkey.";
  },
  async logout() {
    await call("POST", "/v1/logout", { body: {}, cookie: true });
    accessToken = null;
    setSignedIn(null);
    await listPasskeys();
    return "Signed out: the Worker ended the session and cleared its cookie.";
  },
};

for (const button of buttons) {
  button.addEventListener("click", async () => {
    for (const b of buttons) b.disabled = true;
    show("pending", "One moment...");
    try {
      show("done", await actions[button.id]());
    } catch (error) {
      show("error", error instanceof Error ? error.message : String(error));
    } finally {
      enableButtons();
      showCookies();
    }
  });
}

// A session from before a reload: the refresh cookie, traded for an access token.
try {
  const tokens = await call("POST", "/v1/token/refresh", { body: {}, cookie: true });
  await signedIn(tokens, "session restored from the refresh cookie");
} catch {
  accessToken = null;
  setSignedIn(null);
}
if (!webauthn) show("error", "This browser offers no WebAuthn here.");
document.body.dataset.ready = "true";
`;
