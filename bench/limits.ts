// The production configuration the bench runs with, and every deviation from it.
// Rate limits stay on; a limit is raised only when a single-IP run of this plan
// would exceed it, and only as far as the plan needs (twice the planned count).
import type { Plan } from "./plan.ts";

/** Upper bounds used to size the limits: far above what this machine reaches. */
const MAX_REFRESH_PER_SECOND = 3000;
const MAX_LOGINS_PER_SECOND = 8; // argon2id at the default cost takes > 125 ms per hash

interface Rule {
  /** Requests this plan sends into the bucket within one window, at most. */
  needed(plan: Plan, windowSeconds: number): number;
  why: string;
}

const phase = (p: Plan) => p.seconds + p.warmupSeconds;

const RULES: Record<string, Rule> = {
  RATE_LIMIT_LOGIN_PER_IP: {
    needed: (p) =>
      p.refreshSessions +
      4 +
      MAX_LOGINS_PER_SECOND * phase(p) +
      1 +
      16 * p.bursts +
      2 * p.timingSamples +
      p.accountingOps +
      // The same bucket limits POST /v1/login/mfa and both passkey sign-in requests;
      // the accounting phase sends one second step and two passkey flows per op.
      p.mfaTokens +
      2 * p.passkeyFlows +
      5 * p.accountingOps,
    why: "every login of the run (sessions for the refresh load, the login load, the 16-login bursts, the timing pairs) and every TOTP second step and passkey sign-in request comes from one IP",
  },
  RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT: {
    needed: (p) => p.timingSamples + 2,
    why: "the timing check sends TIMING_SAMPLES wrong passwords for one account from one IP",
  },
  RATE_LIMIT_TOKEN_PER_IP: {
    needed: (p, window) => MAX_REFRESH_PER_SECOND * Math.min(window, phase(p)) + p.accountingOps,
    why: `the refresh load is one IP at up to ${MAX_REFRESH_PER_SECOND}/s for the whole phase`,
  },
  RATE_LIMIT_OAUTH_PER_IP: {
    // Start and callback of every social flow: the accounts' first sign-ins, the
    // load's flows, the accounting phase's.
    needed: (p) => 2 * (p.flowAccounts + p.socialFlows + p.accountingOps),
    why: "every social-login flow of the run (start and callback) comes from one IP",
  },
  ACCOUNT_MAX_CONSECUTIVE_FAILURES: {
    needed: (p) => p.timingSamples + 2,
    why: "the timing check fails TIMING_SAMPLES logins in a row for one account",
  },
};

export interface Deviation {
  name: string;
  production: string;
  bench: string;
  why: string;
}

/** The vars to serve with, and the list of what differs from wrangler.jsonc. */
export function benchVars(
  vars: Record<string, string>,
  plan: Plan,
): { vars: Record<string, string>; deviations: Deviation[]; unchanged: string[] } {
  const out = { ...vars };
  const deviations: Deviation[] = [];
  const unchanged: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (!/^RATE_LIMIT_|^ACCOUNT_MAX_/.test(name)) continue;
    const rule = RULES[name];
    const rate = /^(\d+)\/(\d+)$/.exec(value);
    const window = rate ? Number(rate[2]) : 0;
    const current = rate ? Number(rate[1]) : Number(value);
    const needed = rule ? Math.ceil(rule.needed(plan, window) * 2) : 0;
    if (!rule || needed <= current) {
      unchanged.push(`${name}=${value}`);
      continue;
    }
    out[name] = rate ? `${needed}/${window}` : String(needed);
    deviations.push({ name, production: value, bench: out[name] as string, why: rule.why });
  }
  return { vars: out, deviations, unchanged };
}
