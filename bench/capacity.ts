// `npm run bench:capacity [results.json]`: the capacity model of docs/capacity.md,
// calibrated by a `npm run bench` result (the newest by default). The workload and
// the prices are stated assumptions below; the per-operation counts and CPU are
// measured, except the few that depend on a session's age or on time passing
// (modelled from SERVICE below, and said so in the output). Rewrites the generated
// section of docs/capacity.md.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readWranglerConfig, root } from "./serve-bundle.ts";

/** The workload: 10^8 users and 10^5 verifications/s, as the issue asks. */
export const WORKLOAD = {
  users: 1e8,
  /** Sessions refreshing at the daily peak (each device online then): 5 % of users. */
  peakActiveSessions: 5e6,
  /** Password logins per user per day (new devices, expired 30-day families, logouts). */
  loginsPerUserPerDay: 0.06,
  /** Peak-to-average ratio of logins. */
  loginPeakFactor: 3,
  /** `verify()` calls from other Workers, sustained. */
  verificationsPerSecond: 1e5,
  /** `/v1/me`-style online checks at the peak (apps loading a profile). */
  meChecksPerSecond: 5e3,
};

/**
 * Settings of the service the model depends on, copied here because src/ does not
 * load in Node; `main` warns when wrangler.jsonc has drifted from them.
 */
export const SERVICE = {
  /** `ACCESS_TOKEN_TTL_SECONDS`: assumed to be a session's refresh interval (clients refresh as the access token expires). */
  accessTokenTtlSeconds: 900,
  /** `LISTED_USE_GRANULARITY_MS` (src/auth/sessions.ts): `refresh_families.last_used_at` is written by the first rotation in each such interval. */
  listedUseGranularitySeconds: 3600,
  /** `REFRESH_REUSE_GRACE_SECONDS`: each rotation's alarm wipes the sealed successor this long after it. */
  reuseGraceSeconds: 10,
};

/**
 * Postgres `UPDATE refresh_families` per refresh, modelled: a session refreshing
 * every TTL writes once per granularity interval (15 min / 1 h: 0.25). Not the
 * measured count: the bench's sessions are minutes old and so write none.
 */
export const TOUCHES_PER_REFRESH = Math.min(
  1,
  SERVICE.accessTokenTtlSeconds / SERVICE.listedUseGranularitySeconds,
);

/**
 * RefreshFamily alarms per refresh: every rotation schedules one to wipe the
 * sealed successor after the grace window, and with refreshes further apart than
 * that window each of them fires (1 at 15 min / 10 s). The bench's refreshes
 * come faster than the window, so it cannot show this.
 */
export const FAMILY_ALARMS_PER_REFRESH = Math.min(
  1,
  SERVICE.accessTokenTtlSeconds / SERVICE.reuseGraceSeconds,
);

/**
 * List prices as recalled for 2026 (Cloudflare Workers Paid, Durable Objects on
 * SQLite, Upstash Redis pay-as-you-go, Neon). They could not be checked from
 * this offline machine: re-check them before budgeting; the counts do not change.
 */
export const PRICES = {
  workersPerMillionRequests: 0.3,
  workersPerMillionCpuMs: 0.02,
  /**
   * Calls over a service binding are not billed as requests, only their CPU;
   * alarm invocations are billed like requests (as recalled).
   */
  durableObjectsPerMillionRequests: 0.15,
  durableObjectsPerMillionGbSeconds: 12.5,
  durableObjectsPerMillionRowsWritten: 1.0,
  upstashPer100kCommands: 0.2,
  /** Per-database command rate Upstash's pay-as-you-go tier allows (as recalled). */
  upstashCommandsPerSecondCeiling: 10_000,
  neonPerComputeUnitHour: 0.16,
  /** Cloudflare's documented soft limit for one Durable Object. */
  durableObjectRequestsPerSecondSoftLimit: 1000,
};

const SECONDS_PER_MONTH = 30 * 86_400;

interface Results {
  date: string;
  load: Record<string, { rps: number; cpu?: { microsecondsPerRequest: Record<string, number> } }>;
  accounting: Record<
    string,
    {
      postgres: { roundTrips: number; statements: Record<string, number> };
      redis: { roundTrips: number; commands: Record<string, number> };
    }
  >;
  // `micro.refreshFamilyWipe` (rows an unguarded successor wipe rewrites) is left
  // out: the guard is in src/, so a rotation's wipe touches the one live box at most.
  micro: { auditHead?: { appendsPerSecond?: number } };
}

/** Durable Object calls and SQLite rows written per operation, read from src/ (not measurable on the wire). */
const OBJECTS: Record<
  string,
  { familyCalls: number; familyAlarms: number; auditAppends: number; rowsWritten: number }
> = {
  // start (family + first token; its expiry alarm fires once in 30 days) and 2 audit
  // events (token_issued, login_succeeded)
  login: { familyCalls: 1, familyAlarms: 0, auditAppends: 2, rowsWritten: 2 + 2 * 5 },
  // rotate (spent token, new token, family row), its alarm (wipes the spent token's
  // sealed successor: one row) and 1 audit event (token_refreshed); an audit append
  // writes pending, head, recent (+ a trim) and its flush deletes pending
  refresh: {
    familyCalls: 1,
    familyAlarms: FAMILY_ALARMS_PER_REFRESH,
    auditAppends: 1,
    rowsWritten: 3 + FAMILY_ALARMS_PER_REFRESH + 5,
  },
  verify: { familyCalls: 0, familyAlarms: 0, auditAppends: 0, rowsWritten: 0 },
  me: { familyCalls: 0, familyAlarms: 0, auditAppends: 0, rowsWritten: 0 },
};

const LOAD_KEY: Record<string, string> = {
  login: "login",
  refresh: "refresh",
  verify: "verifyServiceBinding",
  me: "me",
};

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
const fmt = (x: number, digits = 0) =>
  x >= 1e6
    ? `${(x / 1e6).toFixed(2)} M`
    : x.toLocaleString("en-US", { maximumFractionDigits: x < 10 ? 2 : digits });
const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;

export function capacityModel(r: Results, shards: number): string {
  const loginAvg = (WORKLOAD.users * WORKLOAD.loginsPerUserPerDay) / 86_400;
  const rates: Record<string, number> = {
    login: loginAvg * WORKLOAD.loginPeakFactor,
    refresh: WORKLOAD.peakActiveSessions / SERVICE.accessTokenTtlSeconds,
    verify: WORKLOAD.verificationsPerSecond,
    me: WORKLOAD.meChecksPerSecond,
  };
  const ops = Object.keys(rates);
  const per = (op: string) => {
    // The accounting and load phases name operations alike.
    const key = LOAD_KEY[op] as string;
    const a = r.accounting[key];
    const cpu = r.load[key]?.cpu?.microsecondsPerRequest ?? {};
    const statements = a?.postgres.statements ?? {};
    // A refresh's session-list touch is modelled (TOUCHES_PER_REFRESH), replacing
    // whatever share of it the bench's young sessions happened to measure; it is
    // one statement in its own round trip.
    const measuredTouches = op === "refresh" ? (statements["UPDATE refresh_families"] ?? 0) : 0;
    const touches = op === "refresh" ? TOUCHES_PER_REFRESH - measuredTouches : 0;
    const writes = Object.entries(statements)
      .filter(([k]) => !k.startsWith("SELECT"))
      .reduce((s, [, v]) => s + v, 0);
    return {
      pgRoundTrips: (a?.postgres.roundTrips ?? 0) + touches,
      pgWrites: writes + touches,
      pgTouches: touches,
      redisCommands: sum(a?.redis.commands ?? {}),
      redisRoundTrips: a?.redis.roundTrips ?? 0,
      workerdMicros: cpu.workerd ?? 0,
      postgresMicros: cpu.postgres ?? 0,
      ...(OBJECTS[op] as (typeof OBJECTS)[string]),
    };
  };
  const rows = ops.map((op) => ({ op, rate: rates[op] as number, ...per(op) }));
  const total = (f: (x: (typeof rows)[number]) => number) =>
    rows.reduce((s, x) => s + x.rate * f(x), 0);

  const redisPerSecond = total((x) => x.redisCommands);
  const auditPerSecond = total((x) => x.auditAppends);
  const pgWritesPerSecond = total((x) => x.pgWrites);
  const workerCores = total((x) => x.workerdMicros) / 1e6;
  const objectCalls = (x: (typeof rows)[number]) => x.familyCalls + x.familyAlarms + x.auditAppends;
  // Assumption: a modelled touch (UPDATE by primary key) costs Postgres what
  // /v1/me's one SELECT by primary key measured; the bench's refreshes ran none.
  const pgMicrosPerTouch = r.load.me?.cpu?.microsecondsPerRequest.postgres ?? 0;
  const pgCores = total((x) => x.postgresMicros + x.pgTouches * pgMicrosPerTouch) / 1e6;
  const headCeilingHere = r.micro.auditHead?.appendsPerSecond ?? Number.NaN;
  const headCeiling = Math.min(PRICES.durableObjectRequestsPerSecondSoftLimit, headCeilingHere);

  const rowsPerSecond = total((x) => x.rowsWritten);
  const monthly = {
    workersRequests:
      (total((x) => (x.op === "verify" ? 0 : 1)) *
        SECONDS_PER_MONTH *
        PRICES.workersPerMillionRequests) /
      1e6,
    workersCpu: (workerCores * 1000 * SECONDS_PER_MONTH * PRICES.workersPerMillionCpuMs) / 1e6,
    objectRequests:
      (total(objectCalls) * SECONDS_PER_MONTH * PRICES.durableObjectsPerMillionRequests) / 1e6,
    objectRowsWritten:
      (rowsPerSecond * SECONDS_PER_MONTH * PRICES.durableObjectsPerMillionRowsWritten) / 1e6,
    upstash: ((redisPerSecond * SECONDS_PER_MONTH) / 1e5) * PRICES.upstashPer100kCommands,
    neonCompute: Math.max(1, pgCores * 1.5) * 24 * 30 * PRICES.neonPerComputeUnitHour,
  };

  const lines = [
    `Calibrated by \`bench/results/${r.date.slice(0, 10)}.json\` (run of ${r.date.slice(0, 16).replace("T", " ")} UTC). Peak rates:`,
    "",
    "| operation | peak rate /s | Postgres round trips | Postgres writes | Redis commands | DO calls | DO rows written | workerd CPU µs (this machine) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (x) =>
        `| ${x.op} | ${fmt(x.rate)} | ${fmt(x.pgRoundTrips)} | ${fmt(x.pgWrites)} | ${x.redisCommands} | ${fmt(objectCalls(x))} | ${fmt(x.rowsWritten)} | ${fmt(x.workerdMicros)} |`,
    ),
    `| **total per second** | | ${fmt(total((x) => x.pgRoundTrips))} | ${fmt(pgWritesPerSecond)} | ${fmt(redisPerSecond)} | ${fmt(total(objectCalls))} | ${fmt(rowsPerSecond)} | ${fmt(workerCores, 1)} cores |`,
    "",
    `Modelled, not measured (\`SERVICE\` in \`bench/capacity.ts\`; the bench's sessions are minutes old and refresh faster than the grace window): refresh's Postgres writes and round trips are the measured batched audit inserts plus ${fmt(TOUCHES_PER_REFRESH)} \`UPDATE refresh_families\` (a session refreshing every ${fmt(SERVICE.accessTokenTtlSeconds)} s writes its listed last use once per ${fmt(SERVICE.listedUseGranularitySeconds)} s); its DO calls and rows written include ${fmt(FAMILY_ALARMS_PER_REFRESH)} RefreshFamily alarm (fired ${fmt(SERVICE.reuseGraceSeconds)} s after each rotation to wipe the sealed successor: one row).`,
    "",
    "| resource | demand at peak | ceiling | headroom |",
    "| --- | ---: | ---: | ---: |",
    `| Upstash Redis commands/s (one database) | ${fmt(redisPerSecond)} | ${fmt(PRICES.upstashCommandsPerSecondCeiling)} | ${(PRICES.upstashCommandsPerSecondCeiling / redisPerSecond).toFixed(2)}× |`,
    `| audit appends/s (AUDIT_SHARDS = ${shards} heads) | ${fmt(auditPerSecond)} | ${fmt(shards * headCeiling)} (one head: ${fmt(headCeilingHere)} here, DO soft limit ${PRICES.durableObjectRequestsPerSecondSoftLimit}) | ${((shards * headCeiling) / auditPerSecond).toFixed(2)}× |`,
    `| Postgres writes/s (Neon primary) | ${fmt(pgWritesPerSecond)} | one primary; ${fmt(pgCores, 1)} cores of Postgres CPU at this machine's cost per statement (a modelled UPDATE at /v1/me's cost of a SELECT) | – |`,
    `| Worker CPU | ${fmt(workerCores, 1)} cores | spread over Cloudflare's isolates | – |`,
    "",
    "Monthly cost at the peak rate held all month (an upper bound; list prices in `bench/capacity.ts`):",
    "",
    "| item | per month |",
    "| --- | ---: |",
    `| Workers requests (login, refresh, /v1/me; verify() rides on its caller's request) | ${usd(monthly.workersRequests)} |`,
    `| Workers CPU (all operations, at this machine's CPU per request) | ${usd(monthly.workersCpu)} |`,
    `| Durable Object requests (calls and alarms: ${fmt(total(objectCalls))}/s) | ${usd(monthly.objectRequests)} |`,
    `| Durable Object SQLite rows written: ${fmt(rowsPerSecond)}/s | ${usd(monthly.objectRowsWritten)} |`,
    `| Upstash Redis, pay-as-you-go per command | ${usd(monthly.upstash)} |`,
    `| Neon compute (Postgres CPU × 1.5, at least 1 CU) | ${usd(monthly.neonCompute)} |`,
  ];
  return lines.join("\n");
}

const START = "<!-- capacity:model:start -->";
const END = "<!-- capacity:model:end -->";

function newestResults(): string {
  const dir = path.join(root, "bench", "results");
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort();
  const last = files.at(-1);
  if (!last) throw new Error("no bench/results/<date>.json: run `npm run bench` first");
  return path.join(dir, last);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ? path.resolve(process.argv[2]) : newestResults();
  const results = JSON.parse(readFileSync(file, "utf8")) as Results;
  const vars = readWranglerConfig().vars ?? {};
  const shards = Number(vars.AUDIT_SHARDS ?? 1);
  // The model's copies of the service's settings (SERVICE) must match the deployed ones.
  for (const [name, ours] of [
    ["ACCESS_TOKEN_TTL_SECONDS", SERVICE.accessTokenTtlSeconds],
    ["REFRESH_REUSE_GRACE_SECONDS", SERVICE.reuseGraceSeconds],
  ] as const) {
    if (vars[name] !== undefined && Number(vars[name]) !== ours) {
      console.warn(
        `wrangler.jsonc has ${name} = ${vars[name]}; SERVICE in bench/capacity.ts assumes ${ours}`,
      );
    }
  }
  const md = capacityModel(results, shards);
  console.log(md);
  const doc = path.join(root, "docs", "capacity.md");
  const text = readFileSync(doc, "utf8");
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from !== -1 && to !== -1) {
    writeFileSync(doc, `${text.slice(0, from + START.length)}\n${md}\n${text.slice(to)}`);
  }
}
