import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { hasHeadSchema } from "../../src/features/audit/adapters/audit-head-schema";
import { shardChains } from "../../src/features/audit/shard";
import { head } from "./audit-helpers";
import { BASE, call, uniqueEmail } from "./helpers";
import { sql } from "./mail-helpers";

/** The redirect URIs the test stack registers (dev/test-stack.ts). */
export const WEB_REDIRECT = "https://app.example.test/auth/done";
export const APP_REDIRECT = "com.example.app:/oauth/done";
export const OIDC_PROVIDERS = ["google", "linkedin", "acme"] as const;

export const providerBase = (id: string): string => {
  const url = inject("oauthProviders")[id];
  if (!url) throw new Error(`no local provider ${id}`);
  return url;
};

async function control(id: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${providerBase(id)}/__test/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${id} control ${path}: ${res.status}`);
  await res.body?.cancel();
}

export interface OidcAccount {
  sub: string;
  email?: string;
  email_verified?: unknown;
  name?: string;
}

/** A fresh person at an OIDC provider (verified address unless told otherwise). */
export async function oidcAccount(
  id: string,
  over: Partial<OidcAccount> = {},
): Promise<OidcAccount> {
  const account: OidcAccount = {
    sub: `sub-${crypto.randomUUID()}`,
    email: uniqueEmail(id),
    email_verified: true,
    ...over,
  };
  await control(id, "accounts", account);
  return account;
}

export interface GitHubAccount {
  id: number;
  login: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

let githubIds = Math.floor(Math.random() * 1e6) * 1000;

export async function githubAccount(over: Partial<GitHubAccount> = {}): Promise<GitHubAccount> {
  githubIds += 1;
  const account: GitHubAccount = {
    id: githubIds,
    login: `octo-${crypto.randomUUID().slice(0, 8)}`,
    emails: [{ email: uniqueEmail("github"), primary: true, verified: true }],
    ...over,
  };
  await control("github", "accounts", account);
  return account;
}

export const nextTokenResponse = (id: string, mode: string) => control(id, "next-token", { mode });
export const providerOutage = (id: string, mode: "down" | "garbage" | null) =>
  control(id, "outage", { mode });
export const resetProvider = (id: string) => control(id, "reset", {});

/** A person's login hint: the OIDC subject, or the GitHub login. */
export const hintOf = (account: OidcAccount | GitHubAccount): string =>
  "sub" in account ? account.sub : account.login;

/** GET /v1/oauth/{provider}/authorize with these parameters. */
export function authorize(provider: string, params: Record<string, string>): Promise<Response> {
  return call(`/v1/oauth/${provider}/authorize?${new URLSearchParams(params)}`);
}

/** The `__Host-oauth-flow` cookie each started flow set, by its `state`: the browser's half. */
const flowCookies = new Map<string, string>();

/** The flow cookie an authorize response sets, if any. */
export function flowCookieOf(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^__Host-oauth-flow=([^;]+)/.exec(line);
    if (m?.[1]) return m[1];
  }
  return null;
}

/**
 * What a browser does after our authorize endpoint sent it to the provider:
 * keeps our flow cookie, follows the provider's redirects (keeping its
 * cookies) through login and consent until the provider sends the user back
 * to our callback. Answers that callback URL.
 */
export async function throughProvider(start: Response): Promise<string> {
  expect(start.status).toBe(302);
  const ours = flowCookieOf(start);
  const state = locationOf(start).searchParams.get("state");
  if (ours && state) flowCookies.set(state, ours);
  const jar = new Map<string, Map<string, string>>();
  let url = locationOf(start).href;
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(`${BASE}/`)) return url;
    const target = new URL(url);
    const cookies = jar.get(target.host) ?? new Map<string, string>();
    jar.set(target.host, cookies);
    const res = await fetch(url, {
      redirect: "manual",
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = (pair ?? "").indexOf("=");
      if (eq > 0) cookies.set((pair as string).slice(0, eq).trim(), (pair as string).slice(eq + 1));
    }
    const next = res.headers.get("location");
    await res.body?.cancel();
    if (!next) throw new Error(`provider stopped at ${target.pathname} with ${res.status}`);
    url = new URL(next, url).href;
  }
  throw new Error("too many redirects at the provider");
}

/**
 * Our callback, as the browser that started the flow arrives at it (with the
 * flow cookie of the URL's state), or as another browser does (`cookie: null`,
 * or someone else's).
 */
export function callback(url: string, opts: { cookie?: string | null } = {}) {
  const state = new URL(url).searchParams.get("state") ?? "";
  const cookie = opts.cookie === undefined ? flowCookies.get(state) : opts.cookie;
  return call(url.slice(BASE.length), {
    headers: cookie ? { cookie: `__Host-oauth-flow=${cookie}` } : {},
  });
}

/** Where a 30x sends the client, parsed. */
export function locationOf(res: Response): URL {
  const location = res.headers.get("location");
  expect(location, `status ${res.status}`).toBeTruthy();
  return new URL(location as string);
}

/** The `__Host-refresh` cookie a response sets, if any. */
export function refreshCookieOf(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^__Host-refresh=([^;]+)/.exec(line);
    if (m?.[1]) return m[1];
  }
  return null;
}

/**
 * The whole browser flow: start, the provider, the callback. Answers the
 * callback's response (a 303 back to the redirect URI, cookie set).
 */
export async function browserSignIn(
  provider: string,
  account: OidcAccount | GitHubAccount,
  params: Record<string, string> = {},
): Promise<Response> {
  const start = await authorize(provider, {
    redirect_uri: WEB_REDIRECT,
    login_hint: hintOf(account),
    ...params,
  });
  return callback(await throughProvider(start));
}

/** RFC 7636 S256 of a verifier. */
export async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
  );
  let s = "";
  for (const b of digest) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export const newVerifier = (): string =>
  `${crypto.randomUUID()}-${crypto.randomUUID()}`.replaceAll("-", "");

/** The app flow up to the one-time code: answers the code and the verifier. */
export async function appCode(
  provider: string,
  account: OidcAccount | GitHubAccount,
  appState = "app-state-1",
): Promise<{ code: string; verifier: string; redirect: URL }> {
  const verifier = newVerifier();
  const start = await authorize(provider, {
    redirect_uri: APP_REDIRECT,
    login_hint: hintOf(account),
    state: appState,
    code_challenge: await s256(verifier),
    code_challenge_method: "S256",
  });
  const res = await callback(await throughProvider(start));
  expect(res.status).toBe(303);
  const redirect = locationOf(res);
  const code = redirect.searchParams.get("code");
  expect(code, redirect.href).toBeTruthy();
  return { code: code as string, verifier, redirect };
}

/** The access token's payload (no check: the Worker's own verifier is tested elsewhere). */
export function claimsOf(accessToken: string): Record<string, unknown> {
  const part = accessToken.split(".")[1] as string;
  return JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));
}

export async function identitiesOf(accessToken: string) {
  const res = await call("/v1/identities", {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    password_set: boolean;
    identities: Array<{ id: string; provider: string; email: string | null }>;
  };
}

/** The account behind an address, straight from Postgres. */
export async function userByEmail(
  email: string,
): Promise<{ id: string; password_hash: string | null } | null> {
  const rows =
    (await sql()`select id, password_hash from users where lower(email) = lower(${email})`) as Array<{
      id: string;
      password_hash: string | null;
    }>;
  return rows[0] ?? null;
}

export async function identityRows(provider: string, subject: string) {
  return (await sql()`select user_id from identities where provider = ${provider} and subject = ${subject}`) as Array<{
    user_id: string;
  }>;
}

export interface SeenEvent {
  type: string;
  user_id: string | null;
  details: Record<string, unknown>;
}

/**
 * The audit events of these types recorded so far, flushed or still buffered in
 * a chain head, each once: a head may flush between the read of its buffer and
 * the read of Postgres, and then the same event is in both.
 */
export async function auditEvents(types: readonly string[]): Promise<SeenEvent[]> {
  const rows = new Map<string, SeenEvent>();
  for (const chain of shardChains(Number(env.AUDIT_SHARDS))) {
    const texts = await runInDurableObject(head(chain), (_i, state) =>
      hasHeadSchema(state.storage.sql)
        ? state.storage.sql.exec<{ row: string }>("SELECT row FROM pending").toArray()
        : [],
    );
    for (const { row } of texts) {
      const { id, type, user_id, details } = JSON.parse(row) as SeenEvent & { id: string };
      rows.set(id, { type, user_id, details });
    }
  }
  const flushed = (await sql()`select event_id, type, user_id, details from audit_events
      where type = any(${types as string[]})`) as Array<SeenEvent & { event_id: string }>;
  for (const { event_id, type, user_id, details } of flushed) {
    rows.set(event_id, { type, user_id, details });
  }
  return [...rows.values()].filter((r) => types.includes(r.type));
}
