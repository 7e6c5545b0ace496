import { AuthError, httpErrors, unavailable } from "../errors";
import { errorName, log } from "../log";
import type { AccountGuard, BotChallenge, Clock, LimitResult, RateLimiter } from "../ports";
import { hashSecret } from "./secrets";

/**
 * 429 with `Retry-After` (RFC 9110 §10.2.3) and the RateLimit-* fields of
 * draft-ietf-httpapi-ratelimit-headers. Nobody sleeps on the server.
 */
function tooManyRequests(
  r: Pick<LimitResult, "limit" | "remaining" | "resetAt">,
  now: number,
): AuthError {
  const retryAfter = Math.max(1, Math.ceil((r.resetAt - now) / 1000));
  return httpErrors.error("too_many_requests", {
    headers: {
      "Retry-After": String(retryAfter),
      "RateLimit-Limit": String(r.limit),
      "RateLimit-Remaining": String(Math.max(0, r.remaining)),
      "RateLimit-Reset": String(retryAfter),
    },
  });
}

/** An account's throttling key: a hash of the normalized email, so keys carry no address. */
export function accountKey(email: string): Promise<string> {
  // The same SHA-256 in base64url that stores a token's secret: keys carry no address.
  return hashSecret(email.trim().toLowerCase());
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

/** Who tries a password, for which account. */
export interface PasswordAttempt {
  /** The client's address as Cloudflare saw it (for the bot challenge's `remoteip`). */
  ip: string;
  /** The client's network (auth/client-network.ts): per-IP limits and known places key on it. */
  network: string;
  /** `accountKey(email)` of the account whose password is tried. */
  account: string;
  /** A bot-challenge response token (e.g. Turnstile's) sent with the attempt. */
  challengeToken?: string;
}

/** Longest wait the account throttle imposes: growth stops here. */
const MAX_ACCOUNT_BACKOFF_SECONDS = 3600;
/** Doublings before the wait reaches its cap (60 s · 2^6 > 3600 s). */
const BACKOFF_STEPS = 11;

/** 60 s after the limit, doubling with every further failure, at most an hour. */
export function accountBackoffSeconds(failures: number, max: number): number {
  if (failures < max) return 0;
  return Math.min(MAX_ACCOUNT_BACKOFF_SECONDS, 60 * 2 ** Math.min(failures - max, 10));
}

/** The waits in ms for `max`, `max + 1`, … failures, as the account guard's script reads them. */
function backoffScheduleMs(max: number): number[] {
  return Array.from(
    { length: BACKOFF_STEPS },
    (_, i) => accountBackoffSeconds(max + i, max) * 1000,
  );
}

/**
 * Every password check goes through here: login, and every re-authentication
 * before a credential change (security review: a current-password check had no
 * per-account throttle, so it was a second, unlimited guessing door).
 *
 * The attempt is reserved before `check` runs, and the reservation is the
 * decision (NIST SP 800-63B rev 4 §3.2.2):
 *
 * - per network: every attempt counts (a wide net against one source);
 * - per network and account: the attempt counts as a failure at once
 *   (10 per 15 minutes by default), so one source cannot grind one account;
 * - per account: after `maxFailures` consecutive failures from anywhere, a
 *   growing wait between attempts, except from a network the account signed
 *   in from before, so a third party cannot lock the owner out from home.
 *
 * Each counter is taken atomically in Redis before any hashing, so concurrent
 * guesses cannot all pass a check that none has counted yet (the review saw 12
 * parallel guesses on a throttled account all hashed, and 24 from one address
 * beat a limit of 10). A success gives the per-pair count back and ends the
 * account's streak; a check that fails for another reason than a wrong
 * password (a malformed request, a dependency down) gives both back.
 *
 * A throttled attempt costs one round of Redis and no hashing; unknown emails
 * are throttled exactly like known ones. Fails closed: without a Redis answer
 * no attempt is allowed.
 */
export async function throttledPasswordCheck<T>(
  deps: LoginThrottleDeps,
  attempt: PasswordAttempt,
  check: () => Promise<T>,
): Promise<T> {
  const reservation = await reserve(deps, attempt);
  let result: T;
  try {
    result = await check();
  } catch (err) {
    // A wrong password stays counted: the reservation was that failure.
    if (!(err instanceof AuthError && err.code === "invalid_credentials")) {
      await settle("release", reservation.release());
    }
    throw err;
  }
  await settle("success", reservation.succeeded());
  return result;
}

interface Reservation {
  succeeded(): Promise<unknown>;
  release(): Promise<unknown>;
}

async function reserve(deps: LoginThrottleDeps, attempt: PasswordAttempt): Promise<Reservation> {
  const now = deps.clock.now();
  const pairKey = `${attempt.network}:${attempt.account}`;
  const [perIp, perPair] = await Promise.all([
    deps.limiter.consume("login_ip", attempt.network),
    deps.limiter.consume("login_failures", pairKey),
  ]);
  // A timed-out hit may or may not have been counted: only a clear one is given back.
  const pairCounted = perPair.allowed && !perPair.timedOut;
  const refundPair = () =>
    pairCounted ? deps.limiter.refund("login_failures", pairKey) : Promise.resolve();
  if (perIp.timedOut || perPair.timedOut) {
    await settle("release", refundPair());
    throw unavailable("rate limiting is unavailable", 2);
  }
  const limited = !perIp.allowed ? perIp : !perPair.allowed ? perPair : null;
  // NIST SP 800-63B rev 4 §3.2.2 allows a bot challenge in place of waiting:
  // a throttled client that solved one may try (the account backoff still holds).
  if (limited && !(await passedChallenge(deps, attempt))) {
    await settle("release", refundPair());
    const error = tooManyRequests(limited, now);
    if (deps.challenge) error.headers["X-Auth-Challenge"] = "turnstile";
    throw error;
  }
  const account = await guardAttempt(
    deps.guard,
    attempt.account,
    attempt.network,
    now,
    deps.maxFailures,
  ).catch(async (err: unknown) => {
    await settle("release", refundPair());
    throw err;
  });
  return {
    succeeded: () => Promise.all([account.succeeded(), refundPair()]),
    release: () => Promise.all([account.release(), refundPair()]),
  };
}

/**
 * Bookkeeping after the decision is best effort: the password check already
 * has its answer, and a count left one too high only errs on the safe side.
 */
async function settle(step: string, work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    log("warn", "throttle bookkeeping failed", { step, error: errorName(err) });
  }
}

async function passedChallenge(
  deps: LoginThrottleDeps,
  attempt: PasswordAttempt,
): Promise<boolean> {
  if (!deps.challenge || !attempt.challengeToken) return false;
  return deps.challenge.passed(attempt.challengeToken, attempt.ip);
}

/** A guessing attempt counted before its check; the check's outcome settles it. */
export interface GuardedAttempt {
  /** The check passed: the streak ends and the network becomes one the account used. */
  succeeded(): Promise<void>;
  /** The check never reached a verdict (a malformed request, a dependency down). */
  release(): Promise<void>;
}

/**
 * Consecutive failures of one secret per account (NIST SP 800-63B rev 4 §3.2.2:
 * at most 100; fewer for a short code), the account guard's streak under
 * `key`: reserved as a failure before the check, so concurrent guesses all
 * count; past `maxFailures` a growing wait (60 s doubling to an hour), except
 * from a network the account succeeded from before, so a third party cannot
 * lock the owner out. 429 while the wait runs.
 */
export async function guardAttempt(
  guard: AccountGuard,
  key: string,
  network: string,
  now: number,
  maxFailures: number,
): Promise<GuardedAttempt> {
  const reserved = await guard.reserve(key, network, now, {
    maxFailures,
    backoffMs: backoffScheduleMs(maxFailures),
  });
  if (!reserved.allowed) {
    throw tooManyRequests({ limit: maxFailures, remaining: 0, resetAt: reserved.retryAtMs }, now);
  }
  return {
    succeeded: () => settle("success", guard.recordSuccess(key, network)),
    release: () => settle("release", guard.release(key)),
  };
}

/** A per-IP bucket in front of an endpoint; `failOpen` lets requests through when Redis times out. */
export async function checkIpLimit(
  limiter: RateLimiter,
  bucket: Parameters<RateLimiter["consume"]>[0],
  ip: string,
  now: number,
  failOpen: boolean,
): Promise<LimitResult> {
  return enforceLimit(await limiter.consume(bucket, ip), now, failOpen);
}

/**
 * What a counted hit means for the request: 429 past the limit; when Redis
 * timed out, through (`failOpen`) or 503. The hit itself, when it stands.
 */
export function enforceLimit(r: LimitResult, now: number, failOpen: boolean): LimitResult {
  if (r.timedOut) {
    if (failOpen) return r;
    throw unavailable("rate limiting is unavailable", 2);
  }
  if (!r.allowed) throw tooManyRequests(r, now);
  return r;
}
