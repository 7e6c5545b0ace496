// A stand-in for the app that uses the Worker's social login in `npm run dev`:
// its index page links to the Worker's authorize URL of every provider that is
// on (GET /v1/oauth/providers), with `redirect_uri` set to its own /signed-in,
// and /signed-in shows what the Worker sent back (state, or error, error_code
// and error_description). It never sees the refresh token: the Worker sets it
// as its own `__Host-refresh` cookie on the way back.
//
// Served on 127.0.0.1; opened as http://localhost:<port> it links to the
// Worker on localhost too, so both twins of each URL are registered.
//
// It also serves a passkey page (passkey-page.ts) on http://localhost:<port>/passkeys.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { escapeHtml } from "../stack/html.ts";
import { PASSKEY_PAGE_PATH, passkeyPageResponse } from "./passkey-page.ts";

export interface DemoApp {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string;
  /** Where a flow ends, 127.0.0.1 and localhost: the values for OAUTH_REDIRECT_URIS. */
  redirectUris: string[];
  /** http://localhost:<port>/passkeys: its passkey page (WebAuthn refuses IP addresses). */
  passkeysUrl: string;
  close(): Promise<void>;
}

interface ListedProvider {
  id: string;
  name: string;
  authorize_url: string;
}

/** States handed out in sign-in links and not yet seen back, oldest first. */
const MAX_PENDING_STATES = 1_000;

export async function startDemoApp(opts: {
  /** 0 = any free port; a taken one rejects with EADDRINUSE. */
  port: number;
  /** The Worker's port on 127.0.0.1 (and localhost). */
  workerPort: string;
}): Promise<DemoApp> {
  const pending = new Set<string>();
  let port = 0;
  const originOn = (host: string, p: number | string) => `http://${host}:${p}`;

  async function index(host: string): Promise<string> {
    let providers: ListedProvider[];
    try {
      const res = await fetch(`${originOn("127.0.0.1", opts.workerPort)}/v1/oauth/providers`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      providers = ((await res.json()) as { providers: ListedProvider[] }).providers;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return page(
        "Demo app",
        `<h1>Demo app</h1><p class="bad">The Worker on port ${escapeHtml(opts.workerPort)} did not list its providers (${escapeHtml(why)}). Is it still starting?</p>`,
      );
    }
    const worker = originOn(host, opts.workerPort);
    const back = `${originOn(host, port)}/signed-in`;
    const links = providers.map((p) => {
      const state = randomBytes(16).toString("base64url");
      pending.add(state);
      const url = new URL(p.authorize_url, worker);
      url.searchParams.set("redirect_uri", back);
      url.searchParams.set("state", state);
      return `<li><a class="button" href="${escapeHtml(url.href)}">Sign in with ${escapeHtml(p.name)}</a></li>`;
    });
    while (pending.size > MAX_PENDING_STATES) {
      const oldest = pending.values().next().value;
      if (oldest !== undefined) pending.delete(oldest);
    }
    return page(
      "Demo app",
      `<h1>Demo app</h1>
<p>Social login through the Worker at <code>${escapeHtml(worker)}</code>.</p>
${links.length > 0 ? `<ul>${links.join("")}</ul>` : "<p>The Worker has no provider on.</p>"}
<p>Passkeys: <a href="${originOn("localhost", port)}${PASSKEY_PAGE_PATH}">the passkey page</a> (on localhost).</p>`,
    );
  }

  function signedIn(query: URLSearchParams): string {
    const state = query.get("state");
    const known = state !== null && pending.delete(state);
    const error = query.get("error");
    let headline: string;
    if (error !== null) {
      const description = query.get("error_description");
      headline = `<h1 class="bad">Sign-in failed</h1><p><b>${escapeHtml(query.get("error_code") ?? error)}</b>${description ? `: ${escapeHtml(description)}` : ""}</p>`;
    } else if (query.get("mfa_required") === "true") {
      headline =
        "<h1>A second factor is due</h1><p>The app answers the challenge in <code>mfa_token</code> at the Worker.</p>";
    } else {
      headline = `<h1 class="good">Signed in</h1>
<p>The Worker set its refresh cookie (<code>__Host-refresh</code>) on its own origin; a page on an
origin in ALLOWED_ORIGINS trades it for an access token at <code>POST /v1/token/refresh</code>.</p>`;
    }
    const rows = [...query].map(
      ([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    );
    const stateNote =
      state === null
        ? ""
        : `<p class="note">${known ? "The state is one this page put in a sign-in link." : "The state is not one this page handed out (or was seen already)."}</p>`;
    return page(
      error === null ? "Signed in" : "Sign-in failed",
      `${headline}
<h2>What the Worker sent back</h2>
${rows.length > 0 ? `<table>${rows.join("")}</table>` : "<p>No query at all.</p>"}
${stateNote}
<p><a href="/">Back to the demo app</a></p>`,
    );
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // The twin the browser used, so the Worker's links and redirect_uri stay on it.
    const host = /^localhost(:\d+)?$/i.test(req.headers.host ?? "") ? "localhost" : "127.0.0.1";
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end();
      return;
    }
    const send = (status: number, html: string) => {
      res.writeHead(status, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        // /signed-in may carry an mfa_token: it must not leak onward.
        "referrer-policy": "no-referrer",
        "content-security-policy":
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : html);
    };
    if (url.pathname === "/") {
      index(host).then(
        (html) => send(200, html),
        () => send(500, page("Error", "<h1>Error</h1>")),
      );
    } else if (url.pathname === "/signed-in") {
      send(200, signedIn(url.searchParams));
    } else {
      passkeyPageResponse(url.pathname, host, { demo: port, worker: opts.workerPort }).then(
        (answer) => {
          if (answer === undefined) {
            send(404, page("Not found", `<h1>Not found</h1><p><a href="/">The demo app</a></p>`));
            return;
          }
          res.writeHead(answer.status, {
            "cache-control": "no-store",
            "referrer-policy": "no-referrer",
            "x-content-type-options": "nosniff",
            ...answer.headers,
          });
          res.end(req.method === "HEAD" ? undefined : answer.body);
        },
        () => send(500, page("Error", "<h1>Error</h1>")),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: originOn("127.0.0.1", port),
    redirectUris: ["127.0.0.1", "localhost"].map((host) => `${originOn(host, port)}/signed-in`),
    passkeysUrl: `${originOn("localhost", port)}${PASSKEY_PAGE_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A self-contained page: inline CSS, no script, no external assets. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.4}
ul{list-style:none;padding:0}
.button{display:inline-block;margin:.3rem 0;padding:.6rem 1rem;background:#1a73e8;color:#fff;border-radius:4px;text-decoration:none}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;word-break:break-all}
th{width:9rem;background:#f5f5f5}.good{color:#137333}.bad{color:#c5221f}.note{color:#555;font-size:.9rem}</style>
</head><body>${body}</body></html>`;
}
