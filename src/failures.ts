import { NeonDbError } from "@neondatabase/serverless";
import { errors as upstashErrors } from "@upstash/redis/cloudflare";
import { HashingBusyError } from "./auth/password/argon2id";
import { type AuthError, httpErrors, unavailable } from "./errors";

/**
 * Turns an unexpected error into a public one. A dependency that failed (the
 * database, Redis, the hashing queue) is a 503 the client may retry; anything
 * else is our bug and a 500 without details.
 */
export function classifyFailure(err: unknown): { kind: string; error: AuthError } {
  const chain = causes(err);
  if (chain.some((e) => e instanceof HashingBusyError)) {
    return { kind: "hashing_busy", error: unavailable("the service is busy, retry shortly", 1) };
  }
  if (chain.some((e) => e instanceof NeonDbError)) {
    return { kind: "postgres", error: unavailable("a dependency is unavailable", 2) };
  }
  // A Durable Object that is overloaded, being reset or unreachable (workerd
  // marks these `retryable` or `overloaded`): the client may simply try again.
  if (chain.some((e) => isDurableObjectFailure(e))) {
    return { kind: "durable_object", error: unavailable("a dependency is unavailable", 1) };
  }
  if (chain.some((e) => e instanceof upstashErrors.UpstashError)) {
    return { kind: "redis", error: unavailable("a dependency is unavailable", 2) };
  }
  if (chain.some((e) => e instanceof TypeError && /fetch|network|connect/i.test(e.message))) {
    return { kind: "network", error: unavailable("a dependency is unavailable", 2) };
  }
  return { kind: "internal", error: httpErrors.error("server_error") };
}

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 5; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function isDurableObjectFailure(e: unknown): boolean {
  const flags = e as { retryable?: unknown; overloaded?: unknown };
  return e instanceof Error && (flags.retryable === true || flags.overloaded === true);
}
