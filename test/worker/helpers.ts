import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { checkContract, type OpenApiDocument } from "./support/contract";

export const BASE = "http://auth.test";

/** The admin key the test stack configures (test/setup/global-setup.ts), as a header. */
export const ADMIN = { authorization: `Bearer ${"a".repeat(48)}` };

/**
 * A client address, unique per call unless the caller sets
 * `cf-connecting-ip`: tests act as distinct clients, so per-IP rate limits
 * (production defaults) only bite in the tests that aim at them.
 */
export function randomClientIp(): string {
  // A random /64 of the documentation prefix 2001:db8::/32 (RFC 3849): 2^32
  // networks, each its own rate-limit bucket (limits count IPv6 per /64). A
  // random IPv4 address (2^16 of them in a /16) could land on one a
  // rate-limit test had just exhausted, and fail an unrelated test with 429.
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a.toString(16)}:${b.toString(16)}::1`;
}

/**
 * Waits, when needed, until the rate limiter's current window has at least
 * `budgetSeconds` left, so a test that counts to a limit's exact edge runs
 * inside one window. @upstash/ratelimit's sliding windows are aligned to the
 * epoch, and just past a boundary the previous window's count is weighed down
 * and rounded off (`math.floor`): across a boundary one more request than the
 * limit gets through (a 101st login, in CI at 05:45 UTC on 2026-12-07).
 */
export async function insideOneWindow(windowSeconds: number, budgetSeconds = 30): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < budgetSeconds * 1000) await new Promise((r) => setTimeout(r, left + 50));
}

/**
 * A request through the Worker's fetch handler, as production routes it, that
 * returns once the request's background work (`waitUntil`: audit hand-offs,
 * the session list's last use, mail jobs) has finished too. Tests then read
 * what a request wrote without polling for it or racing it.
 */
export async function call(path: string, init?: RequestInit): Promise<Response> {
  const request = new Request(`${BASE}${path}`, init);
  if (!request.headers.has("cf-connecting-ip"))
    request.headers.set("cf-connecting-ip", randomClientIp());
  return fetchSettled(request, env);
}

async function fetchSettled(request: Request, bindings: Env): Promise<Response> {
  const sent = request.clone();
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  // Every exchange of the suite is held to the OpenAPI document (support/contract.ts).
  await checkContract(sent, res, openApiDocument);
  return res;
}

/** GET /openapi.json, straight from the Worker (not itself checked). */
async function openApiDocument() {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}/openapi.json`), env, ctx);
  await waitOnExecutionContext(ctx);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

export function postJson(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/**
 * Runs the app with some bindings replaced, e.g. pointing a client at a port
 * where nothing listens. Each distinct env object is a fresh configuration.
 */
export async function callWithEnv(
  overrides: Partial<Record<keyof Env, string | undefined>>,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  return fetchSettled(new Request(`${BASE}${path}`, init), { ...env, ...overrides } as Env);
}

let counter = 0;
/** A unique email per call, so tests never collide on the shared database. */
export function uniqueEmail(tag = "user"): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${counter}-${crypto.randomUUID().slice(0, 6)}@example.test`;
}

/** A password that satisfies the default policy. */
export const GOOD_PASSWORD = "correct horse battery staple";

/** A password login, answered as is (no status check). */
export const loginWith = (email: string, password: string) =>
  postJson("/v1/login", { email, password });
