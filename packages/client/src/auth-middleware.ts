import type { Middleware } from "openapi-fetch";
import { errorFromResponse } from "./errors";
import type { SessionManager } from "./session-manager";

/** How an operation authenticates a person: not at all, with the access token, or either way. */
export type AuthMode = "none" | "bearer" | "optional";

/**
 * Operations under /v1 that take no access token: sign-in steps, the refresh token's
 * own routes, mail-link tokens, and routes for service or admin keys (a caller that
 * has such a key sets `Authorization` itself, which the middleware leaves alone).
 * Every other /v1 operation takes the access token. test/e2e/client-sdk.test.ts holds
 * this to the live document's `security`.
 */
const NO_BEARER = new Set([
  "POST /v1/register",
  "POST /v1/login",
  "POST /v1/login/mfa",
  "POST /v1/token/refresh",
  "POST /v1/logout",
  "POST /v1/email/verify",
  "POST /v1/password/forgot",
  "POST /v1/password/reset",
  "POST /v1/legacy/exchange",
  "GET /v1/oauth/providers",
  "GET /v1/oauth/{provider}/authorize",
  "GET /v1/oauth/{provider}/callback",
  "POST /v1/oauth/token",
  "POST /v1/passkeys/login/options",
  "POST /v1/passkeys/login/verify",
  "POST /v1/introspect",
  "GET /v1/admin/stats",
  "GET /v1/admin/audit/verify",
  "GET /v1/admin/audit/export",
  "POST /v1/admin/users/import",
  "POST /v1/admin/legacy-sessions/import",
]);

/** With the access token it acts for the signed-in account; without one, its body names an address. */
const EITHER = new Set(["POST /v1/email/verify/resend"]);

/** How `method` on the document's path `schemaPath` (e.g. `/v1/sessions/{id}`) authenticates. */
export function authModeOf(method: string, schemaPath: string): AuthMode {
  const key = `${method.toUpperCase()} ${schemaPath}`;
  if (EITHER.has(key)) return "optional";
  if (!schemaPath.startsWith("/v1/") || NO_BEARER.has(key)) return "none";
  return "bearer";
}

const withBearer = (request: Request, token: string): Request => {
  const next = new Request(request);
  next.headers.set("Authorization", `Bearer ${token}`);
  return next;
};

/**
 * The openapi-fetch middleware that signs requests: it sets `Authorization: Bearer`
 * on every operation that takes the access token (refreshing first when it has
 * expired), and when the service still answers 401 `invalid_token` (revoked, rotated
 * keys, a clock that ran ahead) it refreshes once, through the same single flight,
 * and sends the request again. A refresh the service refuses rejects the call with
 * that error; a call is never retried twice.
 */
export function authMiddleware(sessions: SessionManager): Middleware {
  // A copy of each signed request, kept until its answer is in, to send again.
  const sent = new Map<string, Request>();
  return {
    async onRequest({ request, schemaPath, id }) {
      const mode = authModeOf(request.method, schemaPath);
      if (mode === "none" || request.headers.has("authorization")) return undefined;
      // Either way: with a body it is about an address, not the signed-in account.
      if (mode === "optional" && request.body !== null) return undefined;
      const token = await sessions.accessToken({ optional: mode === "optional" });
      if (token === null) return undefined;
      const signed = withBearer(request, token);
      sent.set(id, signed.clone());
      return signed;
    },
    async onResponse({ response, id, options }) {
      const original = sent.get(id);
      sent.delete(id);
      if (!original || response.status !== 401) return undefined;
      const error = await errorFromResponse(response.clone());
      if (error.code !== "invalid_token") return undefined;
      const used = /^Bearer (.+)$/.exec(original.headers.get("authorization") ?? "")?.[1];
      const session = await sessions.refresh(used);
      return options.fetch(withBearer(original, session.accessToken));
    },
    onError({ id }) {
      sent.delete(id);
      return undefined;
    },
  };
}
