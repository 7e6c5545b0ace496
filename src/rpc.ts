import { WorkerEntrypoint } from "cloudflare:workers";
import { type AuthorizeOutcome, authorize } from "./auth/authorization";
import { isRecentAuthentication } from "./auth/step-up";
import type { CheckFailure } from "./auth/tokens/check";
import type { AccessTokenClaims } from "./auth/tokens/claims";
import { type IntrospectionResponse, toIntrospection } from "./auth/tokens/introspection";
import { createServices } from "./composition-root";
import { ConfigError, configFromEnv } from "./config";
import { classifyFailure } from "./failures";
import { errorName, log } from "./log";
import type { Services } from "./services";

export type { AuthorizeOutcome } from "./auth/authorization";
export type { AccessTokenClaims } from "./auth/tokens/claims";
export type { IntrospectionResponse } from "./auth/tokens/introspection";

/** What `verify()` answers. `error` is a stable code, never a message. */
export type VerifyOutcome =
  | { ok: true; claims: AccessTokenClaims }
  | {
      ok: false;
      error:
        | CheckFailure
        | "server_misconfigured"
        | "temporarily_unavailable"
        | "insufficient_user_authentication";
    };

export interface VerifyOptions {
  /**
   * Step-up (RFC 9470): the token's `auth_time` must be at most this many
   * seconds old, else `insufficient_user_authentication` (answer the client
   * with 401 and `max_age` in `WWW-Authenticate`, as this service does).
   */
  maxAge?: number;
}

/**
 * Verification for other Workers over a service binding (typed RPC, no HTTP):
 *
 * ```jsonc
 * // the consumer's wrangler.jsonc
 * "services": [{ "binding": "AUTH", "service": "edge-auth", "entrypoint": "AuthService" }]
 * ```
 * ```ts
 * const result = await env.AUTH.verify(token);
 * if (!result.ok) return new Response(null, { status: 401 });
 * ```
 *
 * Both methods include the online revocation check, so a logout is effective
 * at once (a JWKS-only verifier accepts a token until its `exp`).
 */
export class AuthService extends WorkerEntrypoint<Env> {
  async verify(token: string, options: VerifyOptions = {}): Promise<VerifyOutcome> {
    if (typeof token !== "string") return { ok: false, error: "malformed" };
    const maxAge = options?.maxAge;
    if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
      return { ok: false, error: "malformed" };
    }
    return this.withServices<VerifyOutcome>(
      "verify",
      { ok: false, error: "server_misconfigured" },
      { ok: false, error: "temporarily_unavailable" },
      async (services) => {
        const result = await services.checkConsumerToken(token);
        if (
          result.ok &&
          maxAge !== undefined &&
          !isRecentAuthentication(result.claims, services.clock.now(), maxAge)
        ) {
          return { ok: false, error: "insufficient_user_authentication" };
        }
        return result;
      },
    );
  }

  /**
   * Whether the token's holder may do `permission` (`resource:action`) now:
   * the token's check (revocation included), then the roles the user holds
   * at this moment, so a removed role stops counting at once.
   */
  async authorize(token: string, permission: string): Promise<AuthorizeOutcome> {
    if (typeof token !== "string" || typeof permission !== "string") {
      return { allowed: false, reason: "malformed" };
    }
    return this.withServices<AuthorizeOutcome>(
      "authorize",
      { allowed: false, reason: "server_misconfigured" },
      { allowed: false, reason: "temporarily_unavailable" },
      (services) =>
        authorize(
          { check: (t) => services.checkConsumerToken(t), grants: services.grants },
          token,
          permission,
        ),
    );
  }

  /** RFC 7662 shape; inactive for anything that is not a live token. */
  async introspect(token: string): Promise<IntrospectionResponse> {
    const result = await this.verify(token, {});
    return result.ok ? toIntrospection(result) : { active: false };
  }

  /**
   * The request's services for one RPC call, or the given answers when the
   * configuration is invalid or a dependency fails: fail closed, the caller
   * must not treat the token as valid. Logged like the HTTP path's failures:
   * kind and class only.
   */
  private async withServices<T>(
    method: string,
    misconfigured: T,
    unavailable: T,
    run: (services: Services) => Promise<T>,
  ): Promise<T> {
    const config = configFromEnv(this.env);
    if (config instanceof ConfigError) return misconfigured;
    try {
      const scope = {
        waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p),
        requestId: null,
        ip: null,
        userAgent: null,
      };
      return await run(createServices(config, this.env, scope));
    } catch (err) {
      log("error", `${method} failed`, { kind: classifyFailure(err).kind, error: errorName(err) });
      return unavailable;
    }
  }
}
