import type { Context, Env } from "hono";
import type { HTTPException } from "hono/http-exception";
import { presentedCredentials } from "./bearer";
import type { AuthBinding } from "./binding";
import { credentialsRequired, invalidToken, unavailable } from "./refusals";

/** The Env of an app whose AuthService binding is `AUTH`, the middleware's default. */
export type AuthBindingEnv = { Bindings: { AUTH: AuthBinding } };

/** Why a request was refused, for the consumer's logs. Never carries the token. */
export interface Denial {
  status: 401 | 403 | 503;
  /**
   * `credentials_missing`, `malformed_credentials`, `binding_missing`,
   * `binding_failed`, or the service's own code (`revoked`, `expired`,
   * `forbidden`, `temporarily_unavailable`, …).
   */
  reason: string;
  /** For `binding_failed`: the thrown error's class name (its message may hold anything). */
  error?: string;
}

export interface GuardOptions<E extends Env, B> {
  /**
   * The AuthService binding to call. Default: `c.env.AUTH`. For another name,
   * pass the app's Env: `requireAuth<AppEnv>({ binding: (c) => c.env.ACCOUNTS })`.
   */
  binding?: (c: Context<E>) => B | undefined;
  /** RFC 6750 §3 `realm` of the challenges. Default: the request's host name. */
  realm?: string;
  /**
   * Called for every refusal with its reason, which the response does not
   * carry (the client gets only the public code): the place to log it.
   * Its own failure is swallowed so it cannot turn a refusal into a 500.
   */
  onDenied?: (c: Context<E>, denial: Denial) => void;
}

const defaultBinding = <B>(c: Context): B | undefined => (c.env as { AUTH?: B } | undefined)?.AUTH;

/**
 * What requireAuth and requirePermission share: the token, the call, the
 * common refusals. It works on Hono's untyped `Context`, like Hono's own
 * middleware: the typed view is the middleware's signature, since Hono
 * cannot express "the app's Env plus one variable" on a generic Env inside
 * the handler.
 */
export interface Guard<B> {
  realmOf(c: Context): string;
  /** Reports the denial to `onDenied` and hands back the refusal to throw. */
  deny(c: Context, denial: Denial, refusal: HTTPException): HTTPException;
  /** The request's bearer token; throws the RFC 6750 §3.1 refusal when there is none. */
  token(c: Context): string;
  /** Runs `call` against the binding; a missing binding or a thrown call is a 503. */
  call<T>(c: Context, call: (service: B) => Promise<T>): Promise<T>;
  /**
   * The refusal for a failure code the two middlewares share: the service's
   * unavailability or misconfiguration is a 503; anything else about the
   * token (`malformed`, `invalid_signature`, `expired`, `invalid_claims`,
   * `revoked`, or a code this package does not know yet) is `invalid_token`:
   * unknown means refused.
   */
  refuse(c: Context, code: unknown): HTTPException;
}

export function createGuard<E extends Env, B>(options: GuardOptions<E, B>): Guard<B> {
  const realmOf = (c: Context) => options.realm ?? new URL(c.req.url).hostname;

  const deny = (c: Context, denial: Denial, refusal: HTTPException): HTTPException => {
    try {
      options.onDenied?.(c, denial);
    } catch {
      // A broken log hook must not change the answer.
    }
    return refusal;
  };

  return {
    realmOf,
    deny,

    token(c) {
      const presented = presentedCredentials(c.req.header("authorization"));
      if (presented.kind === "token") return presented.token;
      if (presented.kind === "none") {
        throw deny(
          c,
          { status: 401, reason: "credentials_missing" },
          credentialsRequired(realmOf(c)),
        );
      }
      throw deny(c, { status: 401, reason: "malformed_credentials" }, invalidToken(realmOf(c)));
    },

    async call(c, call) {
      let service: B | undefined;
      try {
        service = options.binding ? options.binding(c) : defaultBinding<B>(c);
      } catch {
        service = undefined;
      }
      if (!service) {
        throw deny(c, { status: 503, reason: "binding_missing" }, unavailable(false));
      }
      try {
        return await call(service);
      } catch (err) {
        const error = err instanceof Error ? err.name : typeof err;
        throw deny(c, { status: 503, reason: "binding_failed", error }, unavailable(true));
      }
    },

    refuse(c, code) {
      const reason = typeof code === "string" ? code : "unknown";
      if (reason === "temporarily_unavailable" || reason === "server_misconfigured") {
        const transient = reason === "temporarily_unavailable";
        return deny(c, { status: 503, reason }, unavailable(transient));
      }
      return deny(c, { status: 401, reason }, invalidToken(realmOf(c)));
    },
  };
}
