import { AuthError, unavailable } from "../errors";
import type { AccountGuard, BotChallenge, Clock, LimitResult, RateLimiter } from "../ports";
import { base64url } from "./refresh/refresh-token";

/**
 * 429 with `Retry-After` (RFC 9110 §10.2.3) and the RateLimit-* fields of
 * draft-ietf-httpapi-ratelimit-headers. Nobody sleeps on the server.
 */
function tooManyRequests(
  r: Pick<LimitResult, "limit" | "remaining" | "resetAt">,
  now: number,
): AuthError {
  const retryAfter = Math.max(1, Math.ceil((r.resetAt - now) / 1000));
  return new AuthError("too_many_requests", 429, "too many requests, retry later", {
    "Retry-After": String(retryAfter),
    "RateLimit-Limit": String(r.limit),
    "RateLimit-Remaining": String(Math.max(0, r.remaining)),
    "RateLimit-Reset": String(retryAfter),
  });
}

/** An account's throttling key: a hash of the normalized email, so keys carry no address. */
export async function accountKey(email: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(email.trim().toLowerCase()),
  );
  return base64url(new Uint8Array(digest));
}

export interface LoginThrottleDeps {
  limiter: RateLimiter;
  guard: AccountGuard;
  clock: Clock;
  /** Consecutive failures after which the account is throttled (NIST: at most 100). */
  maxFailures: number;
  /** Optional bot challenge; a passed one relaxes the per-IP limits (not the account backoff). */
  challenge?: BotChallenge;
}

export interface LoginClient {
  ip: string;
  account: string;
  /** A bot-challenge response token (e.g. Turnstile's) sent with the attempt. */
  challengeToken?: string;
}

/** Longest wait the account throttle imposes: growth stops here. */
const MAX_ACCOUNT_BACKOFF_SECONDS = 3600;

/** 60 s after the limit, doubling with every further failure, at most an hour. */
export function accountBackoffSeconds(failures: number, max: number): number {
  if (failures < max) return 0;
  return Math.min(MAX_ACCOUNT_BACKOFF_SECONDS, 60 * 2 ** Math.min(failures - max, 10));
}

/**
 * Runs before any password hashing, so a throttled guess costs us one Redis
 * round trip and no CPU. Unknown emails are throttled exactly like known ones:
 * nothing here looks at whether the account exists.
 *
 * - per IP: every login attempt counts (a wide net against one source);
 * - per IP and account: failures count (NIST SP 800-63B rev 4 §3.2.2 throttling,
 *   10 per 15 minutes by default), so one source cannot grind one account;
 * - per account: after `maxFailures` consecutive failures from anywhere, a
 *   growing wait between attempts, but not for an IP the account has logged in
 *   from before, so a third party cannot lock the owner out from home.
 *
 * Fails closed: if Redis does not answer, no attempt is allowed (a limiter
 * outage must not become an unlimited guessing window).
 */
export async function checkLogin(deps: LoginThrottleDeps, client: LoginClient): Promise<void> {
  const now = deps.clock.now();
  const [perIp, perPair, account] = await Promise.all([
    deps.limiter.consume("login_ip", client.ip),
    deps.limiter.peek("login_failures", `${client.ip}:${client.account}`),
    deps.guard.state(client.account, client.ip),
  ]);
  if (perIp.timedOut) throw unavailable("rate limiting is unavailable", 2);
  const limited = !perIp.allowed ? perIp : !perPair.allowed ? perPair : null;
  // NIST SP 800-63B rev 4 §3.2.2 allows a bot challenge in place of waiting:
  // a throttled client that solved one may try (the account backoff still holds).
  if (limited && !(await passedChallenge(deps, client))) {
    const error = tooManyRequests(limited, now);
    if (deps.challenge) error.headers["X-Auth-Challenge"] = "turnstile";
    throw error;
  }
  const backoff = accountBackoffSeconds(account.failures, deps.maxFailures);
  const waitUntil = account.lastFailureAt + backoff * 1000;
  if (backoff > 0 && !account.knownIp && now < waitUntil) {
    throw tooManyRequests({ limit: deps.maxFailures, remaining: 0, resetAt: waitUntil }, now);
  }
}

async function passedChallenge(deps: LoginThrottleDeps, client: LoginClient): Promise<boolean> {
  if (!deps.challenge || !client.challengeToken) return false;
  return deps.challenge.passed(client.challengeToken, client.ip);
}

export async function recordLoginFailure(
  deps: LoginThrottleDeps,
  client: LoginClient,
): Promise<void> {
  await Promise.all([
    deps.limiter.consume("login_failures", `${client.ip}:${client.account}`),
    deps.guard.recordFailure(client.account, deps.clock.now()),
  ]);
}

export async function recordLoginSuccess(
  deps: LoginThrottleDeps,
  client: LoginClient,
): Promise<void> {
  await deps.guard.recordSuccess(client.account, client.ip);
}

/** A per-IP bucket in front of an endpoint; `failOpen` lets requests through when Redis times out. */
export async function checkIpLimit(
  limiter: RateLimiter,
  bucket: Parameters<RateLimiter["consume"]>[0],
  ip: string,
  now: number,
  failOpen: boolean,
): Promise<LimitResult> {
  const r = await limiter.consume(bucket, ip);
  if (r.timedOut) {
    if (failOpen) return r;
    throw unavailable("rate limiting is unavailable", 2);
  }
  if (!r.allowed) throw tooManyRequests(r, now);
  return r;
}
