// Every knob of `npm run bench`, from the environment with defaults sized for a
// noisy 2-core machine (the whole run stays under ~10 minutes).
const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number`);
  return value;
};

export const plan = {
  /** Measured seconds per throughput scenario (after the warm-up). */
  seconds: num("BENCH_SECONDS", 10),
  warmupSeconds: num("BENCH_WARMUP_SECONDS", 2),
  /**
   * Rounds of A B B A for the scenarios judged against each other (floor and the
   * binding's checks; /v1/me and refresh against their peers): more, shorter
   * segments average this machine's drift better.
   */
  rounds: Math.max(1, num("BENCH_ROUNDS", 2)),
  /** Connections for the fixed-request scenarios (wrk/autocannon). */
  connections: num("BENCH_CONNECTIONS", 16),
  /** Concurrent sessions of the refresh generator (one login each). */
  refreshSessions: num("BENCH_REFRESH_SESSIONS", 16),
  /**
   * Refresh arrivals per second of the open-loop rows (bench/load/open-loop.ts).
   * `npm run bench` offers OpenAuth's closed-loop throughput of the same run
   * when this is 0; bench:ab and bench:profile run a closed loop when it is 0.
   */
  refreshPace: num("BENCH_REFRESH_PACE", 0),
  loginConcurrency: num("BENCH_LOGIN_CONCURRENCY", 4),
  /** Bursts of 16 concurrent logins for the peak-RSS measurement. */
  bursts: num("BURSTS", 3),
  /** Wrong-password / unknown-email pairs of the login timing check. */
  timingSamples: num("TIMING_SAMPLES", 30),
  /** Interleaved rounds of the argon2id comparison (each: 4 hashes). */
  argon2Rounds: num("BENCH_ARGON2_ROUNDS", 5),
  startupRuns: num("BENCH_STARTUP_RUNS", 5),
  /** Operations per kind in the accounting phase (round trips and commands per op). */
  accountingOps: num("BENCH_ACCOUNTING_OPS", 20),
  /**
   * The sign-in flows (TOTP second step, passkey sign-in, social callback) each
   * consume a request prepared beforehand, so each runs over a finite pool: at
   * most this many measured seconds, less when the pool runs dry first.
   */
  flowSeconds: num("BENCH_FLOW_SECONDS", 5),
  /** `mfa_token`s prepared (one account each, since a code is accepted once per step). */
  mfaTokens: num("BENCH_MFA_TOKENS", 400),
  /** Passkey sign-ins prepared: options requested (measured), then assertions verified. */
  passkeyFlows: num("BENCH_PASSKEY_FLOWS", 600),
  /** Social-login flows started and taken through the provider before their callbacks. */
  socialFlows: num("BENCH_SOCIAL_FLOWS", 600),
  /** Accounts holding a passkey, and accounts at the local identity provider. */
  flowAccounts: num("BENCH_FLOW_ACCOUNTS", 16),
};

export type Plan = typeof plan;

/**
 * One client IP for all load, sent as CF-Connecting-IP the way Cloudflare's
 * edge adds it to every production request (a TEST-NET-3 address, RFC 5737).
 */
export const CLIENT_IP = "203.0.113.7";

/**
 * The client IP of the unmeasured preparation (accounts, first steps, passkey
 * registration; TEST-NET-2), so it never counts against CLIENT_IP's limits.
 */
export const PREP_IP = "198.51.100.7";

/** Unmeasured requests before a flow's measured window: a tenth of its pool, at least 32. */
export const flowWarmup = (pool: number): number => Math.max(32, Math.round(pool / 10));
