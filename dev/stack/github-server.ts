// A local server speaking GitHub's OAuth web flow and the two REST endpoints a
// sign-in needs (/user, /user/emails), laid out like GitHub Enterprise Server
// (web host at the root, API under /api/v3). It reproduces GitHub's quirks a
// client has to cope with: token errors come back as HTTP 200 with an `error`
// field, the token answer is form-encoded unless JSON is asked for, and scopes
// are comma-separated. A control API under /__test/ manages accounts and
// simulates outages.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  isRecord,
  noContent,
  parseJsonOrUndefined,
  readText,
  sendJson as sendBridgeJson,
} from "../bridges/http-server.ts";
import { escapeHtml } from "./html.ts";
import { answerOutage, type OutageMode, outageModeOf } from "./outage-mode.ts";

export interface GitHubTestAccount {
  id: number;
  login: string;
  name?: string | null;
  /** The public profile email, shown by /user; null when the user keeps it private. */
  email?: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean; visibility?: string | null }>;
}

export interface LocalGitHub {
  /** The web host: /login/oauth/authorize and /login/oauth/access_token. */
  url: string;
  /** The REST API root, GitHub Enterprise Server style. */
  apiUrl: string;
  close(): Promise<void>;
}

const CODE_TTL_MS = 10 * 60 * 1000;
const DOCS = "https://docs.github.com";

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  accountId: number;
  scope: string;
  expiresAt: number;
}

type TokenError =
  | "bad_verification_code"
  | "incorrect_client_credentials"
  | "redirect_uri_mismatch";

const TOKEN_ERRORS: Record<TokenError, { description: string; uri: string }> = {
  bad_verification_code: {
    description: "The code passed is incorrect or expired.",
    uri: `${DOCS}/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code`,
  },
  incorrect_client_credentials: {
    description: "The client_id and/or client_secret passed are incorrect.",
    uri: `${DOCS}/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials`,
  },
  redirect_uri_mismatch: {
    description: "The redirect_uri MUST match the registered callback URL for this application.",
    uri: `${DOCS}/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch2`,
  },
};

export async function startLocalGitHub(options: {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  accounts?: GitHubTestAccount[];
  port?: number;
}): Promise<LocalGitHub> {
  const accounts = new Map<number, GitHubTestAccount>();
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<string, { accountId: number; scope: string }>();
  let outage: OutageMode = null;

  function addAccount(account: GitHubTestAccount): void {
    // Logins are unique on GitHub (case-insensitively), whatever the id.
    for (const [id, existing] of accounts) {
      if (id !== account.id && sameLogin(existing.login, account.login)) accounts.delete(id);
    }
    accounts.set(account.id, structuredClone(account));
  }
  for (const account of options.accounts ?? []) addAccount(account);

  const byLogin = (login: string) =>
    [...accounts.values()].find((account) => sameLogin(account.login, login));

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("local GitHub:", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    const path = requestUrl.pathname;
    if (path.startsWith("/__test/")) return control(req, res, path);
    if (path === "/login/oauth/authorize") {
      if (req.method === "GET") return authorize(res, requestUrl.searchParams, false);
      if (req.method === "POST") {
        return authorize(res, new URLSearchParams(await readText(req)), true);
      }
    }
    const isTokenEndpoint = path === "/login/oauth/access_token";
    if (outage && (isTokenEndpoint || path.startsWith("/api/v3/"))) {
      answerOutage(res, outage);
      return;
    }
    if (isTokenEndpoint && req.method === "POST") return accessToken(req, res);
    if ((path === "/api/v3/user" || path === "/api/v3/user/emails") && req.method === "GET") {
      return api(req, res, path);
    }
    sendJson(res, 404, { message: "Not Found", documentation_url: `${DOCS}/rest` });
  }

  // GET shows the (skippable) sign-in step; POST is that step's form submitted.
  function authorize(res: http.ServerResponse, params: URLSearchParams, submitted: boolean) {
    const clientId = params.get("client_id");
    if (clientId !== options.clientId) {
      return sendHtml(
        res,
        400,
        "Not found",
        "<h1>404</h1><p>The OAuth application was not found.</p>",
      );
    }
    // Without redirect_uri GitHub uses the app's callback URL; a given one has to
    // be registered exactly, and nothing is ever redirected to one that is not.
    const redirectUri = params.get("redirect_uri") ?? options.redirectUris[0];
    if (redirectUri === undefined || !options.redirectUris.includes(redirectUri)) {
      return sendHtml(
        res,
        400,
        "Redirect URI mismatch",
        "<h1>Redirect URI mismatch</h1><p>The redirect_uri is not associated with this application.</p>",
      );
    }
    const codeChallenge = params.get("code_challenge") ?? undefined;
    if (codeChallenge !== undefined && params.get("code_challenge_method") !== "S256") {
      return sendHtml(
        res,
        400,
        "Invalid request",
        "<h1>Invalid request</h1><p>Only the S256 code_challenge_method is supported.</p>",
      );
    }

    const login = params.get("login")?.trim() ?? "";
    let account = login ? byLogin(login) : undefined;
    if (!account && submitted && login) {
      // A human signing in as someone new in local development gets an account.
      const id = Math.max(1000, ...accounts.keys()) + 1;
      account = {
        id,
        login,
        name: null,
        email: null,
        emails: [
          {
            email: `${login.toLowerCase()}@example.com`,
            primary: true,
            verified: true,
            visibility: "private",
          },
        ],
      };
      addAccount(account);
    }
    if (!account) {
      const prefill = login || ([...accounts.values()][0]?.login ?? "");
      const hidden = [
        "client_id",
        "redirect_uri",
        "state",
        "scope",
        "code_challenge",
        "code_challenge_method",
      ]
        .flatMap((name) => {
          const value = name === "redirect_uri" ? redirectUri : params.get(name);
          return value === null
            ? []
            : [`<input type="hidden" name="${name}" value="${escapeHtml(value)}">`];
        })
        .join("");
      return sendHtml(
        res,
        200,
        "Sign in to GitHub",
        `<h1>Sign in to GitHub</h1><p>Local stand-in at ${escapeHtml(url)}</p>
<form method="post" action="/login/oauth/authorize">${hidden}
<input name="login" value="${escapeHtml(prefill)}" required autofocus>
<button type="submit">Sign in</button>
</form>`,
      );
    }

    const code = randomBytes(10).toString("hex");
    codes.set(code, {
      clientId,
      redirectUri,
      codeChallenge,
      accountId: account.id,
      scope: (params.get("scope") ?? "")
        .split(/[\s,]+/)
        .filter(Boolean)
        .join(","),
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const location = new URL(redirectUri);
    location.searchParams.set("code", code);
    const state = params.get("state");
    if (state !== null) location.searchParams.set("state", state);
    res.writeHead(302, { location: location.href, "content-length": "0" }).end();
  }

  async function accessToken(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readText(req);
    const params = (req.headers["content-type"] ?? "").includes("application/json")
      ? jsonParams(raw)
      : new URLSearchParams(raw);
    const wantsJson = (req.headers.accept ?? "").includes("application/json");
    const answer = (body: Record<string, string>) => {
      if (wantsJson) return sendJson(res, 200, body);
      res
        .writeHead(200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" })
        .end(new URLSearchParams(body).toString());
    };
    // GitHub's trap: a refused exchange is still HTTP 200.
    const fail = (error: TokenError) =>
      answer({
        error,
        error_description: TOKEN_ERRORS[error].description,
        error_uri: TOKEN_ERRORS[error].uri,
      });

    // A code is spent by the first attempt to use it, whatever happens next.
    const codeValue = params.get("code") ?? "";
    const code = codes.get(codeValue);
    codes.delete(codeValue);

    const client = clientCredentials(req.headers.authorization, params);
    if (
      client.clientId !== options.clientId ||
      client.clientSecret === undefined ||
      !constantTimeEqual(client.clientSecret, options.clientSecret)
    ) {
      return fail("incorrect_client_credentials");
    }
    if (!code || code.expiresAt <= Date.now() || code.clientId !== client.clientId) {
      return fail("bad_verification_code");
    }
    const redirectUri = params.get("redirect_uri");
    if (redirectUri !== null && redirectUri !== code.redirectUri) {
      return fail("redirect_uri_mismatch");
    }
    if (code.codeChallenge !== undefined) {
      const verifier = params.get("code_verifier") ?? "";
      const computed = createHash("sha256").update(verifier).digest("base64url");
      if (!constantTimeEqual(computed, code.codeChallenge)) return fail("bad_verification_code");
    }

    const token = `gho_${randomBytes(18).toString("hex")}`;
    tokens.set(token, { accountId: code.accountId, scope: code.scope });
    answer({ access_token: token, token_type: "bearer", scope: code.scope });
  }

  function api(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    const match = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    if (!match?.[1]) {
      return sendJson(res, 401, {
        message: "Requires authentication",
        documentation_url: `${DOCS}/rest`,
      });
    }
    const grant = tokens.get(match[1]);
    const account = grant && accounts.get(grant.accountId);
    if (!grant || !account) {
      return sendJson(res, 401, { message: "Bad credentials", documentation_url: `${DOCS}/rest` });
    }
    res.setHeader("x-oauth-scopes", grant.scope.split(",").join(", "));
    if (path === "/api/v3/user") {
      return sendJson(res, 200, {
        id: account.id,
        login: account.login,
        name: account.name ?? null,
        email: account.email ?? null,
      });
    }
    sendJson(
      res,
      200,
      account.emails.map((entry) => ({
        email: entry.email,
        primary: entry.primary,
        verified: entry.verified,
        visibility: entry.visibility ?? null,
      })),
    );
  }

  async function control(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    if (req.method !== "POST") return sendJson(res, 405, { error: "POST only" });
    if (path === "/__test/reset") {
      outage = null;
      return noContent(res);
    }
    const body = parseJsonOrUndefined(await readText(req));
    if (path === "/__test/accounts") {
      if (!isAccount(body)) {
        return sendJson(res, 400, {
          error: "body must be {id: positive integer, login, emails: [{email, primary, verified}]}",
        });
      }
      addAccount(body);
      return noContent(res);
    }
    if (path === "/__test/outage") {
      const mode = outageModeOf(body);
      if (mode === undefined) {
        return sendJson(res, 400, { error: 'mode must be "down", "garbage" or null' });
      }
      outage = mode;
      return noContent(res);
    }
    sendJson(res, 404, { error: "unknown control endpoint" });
  }

  return {
    url,
    apiUrl: `${url}/api/v3`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Client authentication from HTTP Basic or, failing that, the body's client_id/client_secret. */
function clientCredentials(
  authorization: string | undefined,
  params: URLSearchParams,
): { clientId: string | null; clientSecret: string | undefined } {
  const basic = /^basic\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { clientId: null, clientSecret: undefined };
    // RFC 6749 §2.3.1: both halves are form-urlencoded before being joined.
    const decode = (value: string) => {
      try {
        return decodeURIComponent(value.replaceAll("+", " "));
      } catch {
        return value;
      }
    };
    return {
      clientId: decode(decoded.slice(0, colon)),
      clientSecret: decode(decoded.slice(colon + 1)),
    };
  }
  return {
    clientId: params.get("client_id"),
    clientSecret: params.get("client_secret") ?? undefined,
  };
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function isAccount(value: unknown): value is GitHubTestAccount {
  if (!isRecord(value)) return false;
  const { id, login, name, email, emails } = value;
  return (
    typeof id === "number" &&
    Number.isSafeInteger(id) &&
    id > 0 &&
    typeof login === "string" &&
    login !== "" &&
    (name === undefined || name === null || typeof name === "string") &&
    (email === undefined || email === null || typeof email === "string") &&
    Array.isArray(emails) &&
    emails.every(
      (entry) =>
        isRecord(entry) &&
        typeof entry.email === "string" &&
        typeof entry.primary === "boolean" &&
        typeof entry.verified === "boolean" &&
        (entry.visibility === undefined ||
          entry.visibility === null ||
          typeof entry.visibility === "string"),
    )
  );
}

function jsonParams(raw: string): URLSearchParams {
  const body = parseJsonOrUndefined(raw);
  const params = new URLSearchParams();
  if (isRecord(body)) {
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === "string") params.set(key, value);
    }
  }
  return params;
}

/** GitHub's JSON answers carry a charset. */
function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendBridgeJson(res, status, body, { "content-type": "application/json; charset=utf-8" });
}

function sendHtml(res: http.ServerResponse, status: number, title: string, body: string): void {
  res
    .writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
    .end(`<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
input,button{display:block;width:100%;box-sizing:border-box;margin:.5rem 0;padding:.5rem;font-size:1rem}
button{background:#2da44e;color:#fff;border:0;border-radius:6px;cursor:pointer}</style>
</head><body>${body}</body></html>`);
}
