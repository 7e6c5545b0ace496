// Turns one run's results into the target verdicts and the Markdown tables of
// bench/README.md (between the `bench:results` markers, replaced on every run).
import { readFileSync, writeFileSync } from "node:fs";
import type { LoadResult } from "./load/stats.ts";
import type { PerOp } from "./phases/accounting.ts";
import type { WranglerConfig } from "./serve-bundle.ts";
import { BENCH_REVOCATION_CACHE_MS } from "./workers.ts";

/**
 * Figures measured elsewhere on this machine, quoted by the issue. Used only when
 * the same-run peers (bench/peers/) could not run: this machine's speed moves 2×
 * between days, so a ratio to them is labelled as such.
 */
export const REFERENCES = {
  betterAuthGetSessionD1Rps: 476,
  openAuthRefreshKvRps: 353,
  keycloakRefreshPerVcpu: 120,
};

interface ResultsView {
  date: string;
  durationSeconds: number;
  git: { commit: string; uncommittedFiles: number };
  machine: { loadTool: string };
  plan: {
    seconds: number;
    connections: number;
    refreshSessions: number;
    loginConcurrency: number;
    flowSeconds?: number;
  };
  configuration: {
    features: Record<string, string>;
    deviations: Array<{ name: string; production: string; bench: string; why: string }>;
  };
  bundle: Record<string, { rawKiB: number; gzipKiB: number; wrangler: string | undefined }>;
  startup: Record<string, { medianMs: number; rssAfterFirstRequestMiB: number }>;
  load: Record<
    "health" | "floor" | "verifyServiceBinding" | "me" | "refresh" | "login",
    LoadResult
  > &
    Partial<Record<FlowKey, LoadResult>>;
  micro: {
    verify: Record<string, unknown> & {
      microsecondsPerOp?: {
        ours: number;
        bareEd25519: number;
        joseJwtVerifyNoOptions: number;
        pinnedChecksWithoutJose?: number;
      };
      ratioOursToBare?: number;
      roundRatioRange?: [number, number];
      ratioPinnedWithoutJoseToBare?: number;
    };
    costsMicrosecondsPerCall: Record<string, unknown>;
    envIdentity: Record<string, unknown>;
  };
  argon2: {
    skipped?: string;
    unpinned?: { workerdMs: number; nativeMs: number };
    pinnedToCpu0?: { workerdMs: number; nativeMs: number };
    ratioUnpinned?: number;
    ratioPinned?: number;
    tagsMatch?: boolean;
    /** WASM linear memory of the production argon2 driver after a hash at these params. */
    linearMemoryMiB?: number;
    params?: { memoryKiB: number; iterations: number; parallelism: number };
  };
  loginMemory: {
    concurrency?: number;
    memory: {
      coldRssMiB: number;
      idleRssAfterFirstLoginMiB: number;
      peakRssMiB: number;
      peakOverColdMiB: number;
      isolate?: {
        coldUsedMiB: number;
        idleUsedMiB: number;
        idleBackingStoresMiB: number;
        peakUsedMiB: number;
        peakReservedMiB: number;
      } | null;
    };
    timing: {
      wrongPasswordMedianMs: number;
      unknownEmailMedianMs: number;
      ratioUnknownToWrongPassword: number;
    };
  };
  accounting: Record<string, PerOp & { count: number }>;
  /** The same-run peers (bench/peers/measure.ts); absent in results before them. */
  peers?: {
    betterAuthGetSession?: LoadResult;
    openAuthRefresh?: LoadResult;
    openAuthRefreshPaced?: LoadResult;
    skipped?: string;
  };
}

export interface Baseline {
  rps: number;
  /** Measured in this run (bench/peers/), or quoted from another day (REFERENCES). */
  sameRun: boolean;
  /** How the verdicts and tables name it. */
  label: string;
}

/**
 * The ratio within each pair of segments that ran next to each other (segment k
 * of one scenario beside segment k of the other, in rounds of A B B A), when
 * both ran interleaved: how far the machine's drift moves the verdict.
 */
export function segmentsNote(x: LoadResult, y: LoadResult): string {
  const xs = x.segmentsRps ?? x.halvesRps;
  const ys = y.segmentsRps ?? y.halvesRps;
  if (!xs || !ys || xs.length !== ys.length || ys.some((v) => !v)) return "";
  const ratios = xs.map((v, i) => r2(v / (ys[i] as number)));
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return `; side by side ${ratios.map((v) => `${v}×`).join(", ")}, median ${r2(median as number)}×`;
}

/** Both peer targets have a baseline measured in this run. */
const sameRunPeers = (r: Pick<ResultsView, "peers">): boolean => {
  const { me, refresh } = baselines(r);
  return me.sameRun && refresh.sameRun;
};

/** A peer's figure counts as a baseline only if it is a clean measurement. */
const clean = (x: LoadResult | undefined): x is LoadResult =>
  x !== undefined && x.errors === 0 && x.requests > 0 && Number.isFinite(x.rps);

/**
 * The baselines of the /v1/me and refresh targets: the peers measured in this run
 * when they ran cleanly, else the quoted figures of another day.
 */
export function baselines(r: Pick<ResultsView, "peers">): { me: Baseline; refresh: Baseline } {
  const ba = r.peers?.betterAuthGetSession;
  const oa = r.peers?.openAuthRefresh;
  return {
    me: clean(ba)
      ? {
          rps: ba.rps,
          sameRun: true,
          label: `Better Auth getSession on D1, same run (${ba.rps} req/s)`,
        }
      : {
          rps: REFERENCES.betterAuthGetSessionD1Rps,
          sameRun: false,
          label: `Better Auth getSession on D1 (${REFERENCES.betterAuthGetSessionD1Rps} req/s, quoted, another day)`,
        },
    refresh: clean(oa)
      ? { rps: oa.rps, sameRun: true, label: `OpenAuth refresh on KV, same run (${oa.rps}/s)` }
      : {
          rps: REFERENCES.openAuthRefreshKvRps,
          sameRun: false,
          label: `OpenAuth refresh on KV (${REFERENCES.openAuthRefreshKvRps}/s, quoted, another day)`,
        },
  };
}

/** The rows added by issue 22; results recorded before it have none of them. */
type FlowKey =
  | "authorizeServiceBinding"
  | "verifyServiceBindingCached"
  | "mfaSecondStep"
  | "passkeyOptions"
  | "passkeyVerify"
  | "socialCallback"
  | "refreshPaced";

export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

/** What production features this build had on, judged from what went over the wire. */
export function features(
  cfg: WranglerConfig,
  accounting: Record<string, PerOp>,
): Record<string, string> {
  const commands = (op: string) => Object.keys(accounting[op]?.redis.commands ?? {});
  const statements = Object.values(accounting).flatMap((a) => Object.keys(a.postgres.statements));
  const scripted = ["login", "refresh"].filter((op) =>
    commands(op).some((c) => c.startsWith("EVAL")),
  );
  const auditObjects = (cfg.durable_objects?.bindings ?? []).filter((b) =>
    /audit/i.test(b.class_name),
  );
  const auditWrites = statements.filter((s) => /audit/i.test(s));
  return {
    revocationCheck: commands("me").includes("MGET")
      ? "on (Redis MGET per online check)"
      : "NOT SEEN on /v1/me",
    rateLimiting: scripted.length
      ? `on (rate-limit scripts seen on ${scripted.join(", ")})`
      : "not wired in this build (no rate-limit script reached Redis on login or refresh)",
    audit:
      auditObjects.length || auditWrites.length
        ? `on (${[...auditObjects.map((b) => `DO ${b.class_name}`), ...new Set(auditWrites)].join(", ")})`
        : "not wired in this build (no audit object or audit table write seen)",
    durableObjects: (cfg.durable_objects?.bindings ?? [])
      .map((b) => `${b.name}→${b.class_name}`)
      .join(", "),
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function evaluateTargets(r: ResultsView): Target[] {
  const t: Target[] = [];
  const v = r.micro.verify;
  if (v.ratioOursToBare !== undefined && v.microsecondsPerOp) {
    t.push({
      target: "local verify ≤ 1.25× bare Ed25519 verify",
      measured: `${v.ratioOursToBare}× (median of per-round ratios${v.roundRatioRange ? `, range ${v.roundRatioRange[0]}–${v.roundRatioRange[1]}` : ""}; ${v.microsecondsPerOp.ours} µs vs ${v.microsecondsPerOp.bareEd25519} µs over all rounds)`,
      met: v.ratioOursToBare <= 1.25,
    });
  }
  // Issue 22's targets (performance, second round).
  const ratio = r.load.verifyServiceBinding.rps / r.load.floor.rps;
  t.push({
    target:
      "verify() over the service binding ≥ 0.5× the floor route's throughput, revocation check immediate",
    measured: `${r2(ratio)}× (${r.load.verifyServiceBinding.rps} vs ${r.load.floor.rps} req/s${segmentsNote(r.load.verifyServiceBinding, r.load.floor)})`,
    met: ratio >= 0.5 && r.load.verifyServiceBinding.errors === 0,
  });
  // The opt-in REVOCATION_CACHE_MS row is not a target: the throughput table shows its ratios.
  const base = baselines(r);
  const me = r.load.me.rps / base.me.rps;
  t.push({
    target: `/v1/me ≥ 3× ${base.me.label}`,
    measured: `${r2(me)}× (${r.load.me.rps} req/s, p99 ${r.load.me.p99Ms} ms${r.peers?.betterAuthGetSession && base.me.sameRun ? segmentsNote(r.load.me, r.peers.betterAuthGetSession) : ""})`,
    met: me >= 3 && r.load.me.errors === 0,
  });
  const rf = r.load.refresh;
  const refreshFloor = 1.5 * base.refresh.rps;
  t.push({
    target: `refresh ≥ 1.5× ${base.refresh.label} (≥ ${Math.ceil(refreshFloor)}/s) with p99 ≤ 50 ms on disk-backed Durable Object storage, no errors`,
    measured: `${rf.rps}/s (${r2(rf.rps / base.refresh.rps)}×${r.peers?.openAuthRefresh && base.refresh.sameRun ? segmentsNote(rf, r.peers.openAuthRefresh) : ""}), p99 ${rf.p99Ms} ms, ${rf.errors} errors`,
    met: rf.rps >= refreshFloor && rf.p99Ms <= 50 && rf.errors === 0,
  });
  // Not issue 22's wording but a reading of it proposed there: the p99 at a
  // stated traffic (an open loop), which a closed loop at saturation cannot show.
  const paced = r.load.refreshPaced;
  if (paced?.offeredRps) {
    const peer = r.peers?.openAuthRefreshPaced;
    t.push({
      target: `refresh p99 ≤ 50 ms at ${paced.offeredRps} arrivals/s (an open loop at OpenAuth's same-run req/s; proposed reading of the p99 target)`,
      measured: `p99 ${paced.p99Ms} ms, p50 ${paced.p50Ms} ms, ${paced.rps}/s answered${peer ? `; OpenAuth at the same arrivals: p99 ${peer.p99Ms} ms, ${peer.rps}/s answered` : ""}; ${paced.errors} errors`,
      // Kept up with the arrivals (an overloaded server's backlog drains after the window).
      met: paced.p99Ms <= 50 && paced.errors === 0 && paced.rps >= 0.95 * paced.offeredRps,
    });
  }
  const gzip = r.bundle.production?.gzipKiB;
  if (gzip !== undefined) {
    t.push({
      target: "bundle ≤ 1 MiB gzipped",
      measured: `${gzip} KiB`,
      met: gzip <= 1024,
    });
  }
  if (r.argon2.ratioPinned !== undefined && r.argon2.pinnedToCpu0) {
    t.push({
      target: "argon2id WASM ≤ 2× the native reference on one core",
      measured: `${r.argon2.ratioPinned}× (${r.argon2.pinnedToCpu0.workerdMs} vs ${r.argon2.pinnedToCpu0.nativeMs} ms)`,
      met: r.argon2.ratioPinned <= 2 && r.argon2.tagsMatch === true,
    });
  }
  const m = r.loginMemory.memory;
  const trivial = r.startup.trivialWorker?.rssAfterFirstRequestMiB;
  const wasm = r.argon2.linearMemoryMiB;
  if (m.isolate && wasm !== undefined) {
    // What Cloudflare's 128 MB per-isolate limit counts, without workerd's own share:
    // the JS heap (reserved, not just used) and the WASM linear memory V8 omits from it.
    // The process RSS (below the table) also holds workerd itself, every other
    // worker of the bench's process and SQLite's caches.
    const isolate = r2(m.isolate.peakReservedMiB + wasm);
    t.push({
      target: `isolate memory during ${r.loginMemory.concurrency ?? 16} concurrent logins < 128 MiB (JS heap reserved + backing stores + WASM memory)`,
      measured: `${isolate} MiB (${m.isolate.peakReservedMiB} MiB heap and backing stores at peak, ${wasm} MiB WASM linear memory); process RSS ${m.peakRssMiB} MiB${trivial ? `, ${r2(m.peakRssMiB - trivial)} MiB over a trivial Worker's process` : ""}`,
      met: isolate < 128,
    });
  }
  return t;
}

const row = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;

/** A row whose run had errors says so first: its figures are not a clean measurement. */
const withErrors = (x: LoadResult, note: string) =>
  x.errors > 0 ? `**${x.errors} errors: not a clean measurement**; ${note}` : note;

/** workerd CPU per request of `x` as a multiple of `y`'s. */
const cpuRatio = (x: LoadResult, y: LoadResult) =>
  x.cpu && y.cpu
    ? r2(x.cpu.microsecondsPerRequest.workerd / y.cpu.microsecondsPerRequest.workerd)
    : "?";

/** An open loop's arrivals per second (open-loop.ts records them as offeredRps). */
const paceOf = (x: LoadResult | undefined): string => String(x?.offeredRps ?? "?");

function scenarioTable(r: ResultsView): string[] {
  const l = r.load;
  const base = baselines(r);
  const quoted = (b: Baseline) => (b.sameRun ? "same run" : "quoted, another day");
  const line = (name: string, x: LoadResult | undefined, note: string) =>
    x ? row([name, x.rps, x.p50Ms, x.p99Ms, x.errors, withErrors(x, note)]) : null;
  const pool = (x: LoadResult | undefined, what: string) =>
    x ? `${x.requests} ${what} in ${x.seconds} s (a finite pool)` : "";
  return [
    row(["scenario", "req/s", "p50 ms", "p99 ms", "errors", "ratio / note"]),
    row(["---", "---:", "---:", "---:", "---:", "---"]),
    line("`GET /health`", l.health, "no I/O"),
    line("floor: jose `jwtVerify`, fixed token (bench worker)", l.floor, "1.00×"),
    line(
      "`verify()` over the service binding (example consumer)",
      l.verifyServiceBinding,
      `${r2(l.verifyServiceBinding.rps / l.floor.rps)}× floor (target ≥ 0.5); workerd CPU ${cpuRatio(
        l.verifyServiceBinding,
        l.floor,
      )}× floor's`,
    ),
    line(
      "`authorize()` over the service binding (example consumer's `GET /orders`)",
      l.authorizeServiceBinding,
      l.authorizeServiceBinding
        ? `${r2(l.authorizeServiceBinding.rps / l.floor.rps)}× floor, ${r2(
            l.authorizeServiceBinding.rps / l.verifyServiceBinding.rps,
          )}× verify(); workerd CPU ${cpuRatio(l.authorizeServiceBinding, l.floor)}× floor's`
        : "",
    ),
    line(
      `\`verify()\` with \`REVOCATION_CACHE_MS=${BENCH_REVOCATION_CACHE_MS}\` (opt-in, a second consumer and main worker)`,
      l.verifyServiceBindingCached,
      l.verifyServiceBindingCached
        ? `${r2(l.verifyServiceBindingCached.rps / l.floor.rps)}× floor, ${r2(
            l.verifyServiceBindingCached.rps / l.verifyServiceBinding.rps,
          )}× the immediate check; workerd CPU ${cpuRatio(l.verifyServiceBindingCached, l.floor)}× floor's`
        : "",
    ),
    line(
      "`GET /v1/me` (verify + revocation + user row)",
      l.me,
      `${r2(l.me.rps / base.me.rps)}× Better Auth getSession/D1 (${base.me.rps}, ${quoted(base.me)}); target ≥ 3×`,
    ),
    line(
      `\`POST /v1/token/refresh\` (${r.plan.refreshSessions} sessions)`,
      l.refresh,
      `${r2(l.refresh.rps / base.refresh.rps)}× OpenAuth/KV (${base.refresh.rps}, ${quoted(base.refresh)}); target ≥ 1.5× (${Math.ceil(1.5 * base.refresh.rps)}), p99 ≤ 50`,
    ),
    line(
      `\`POST /v1/token/refresh\`, open loop at ${paceOf(l.refreshPaced)}/s (${r.plan.refreshSessions} sessions)`,
      l.refreshPaced,
      l.refreshPaced
        ? `the same arrivals as OpenAuth's row below; latency from each request's scheduled arrival`
        : "",
    ),
    line(
      "peer, same run: Better Auth `GET /api/auth/get-session` (D1, Miniflare)",
      r.peers?.betterAuthGetSession,
      "baseline of `/v1/me` (bench/peers/); workerd here includes Miniflare's D1 simulator",
    ),
    line(
      `peer, same run: OpenAuth \`POST /token\` refresh grant (KV, Miniflare; ${r.plan.refreshSessions} sessions)`,
      r.peers?.openAuthRefresh,
      "baseline of refresh (bench/peers/); workerd here includes Miniflare's KV simulator",
    ),
    line(
      `peer, same run: OpenAuth refresh grant, open loop at ${paceOf(r.peers?.openAuthRefreshPaced)}/s`,
      r.peers?.openAuthRefreshPaced,
      "the same arrivals as ours above",
    ),
    line(
      `\`POST /v1/login\` (${r.plan.loginConcurrency} concurrent, m=64 MiB t=3 p=4)`,
      l.login,
      "one hash at a time per isolate",
    ),
    line(
      "`POST /v1/login/mfa`: TOTP second step",
      l.mfaSecondStep,
      `${pool(l.mfaSecondStep, "second steps")}; first steps prepared beforehand`,
    ),
    line(
      "`POST /v1/passkeys/login/options`: passkey sign-in, first round trip",
      l.passkeyOptions,
      pool(l.passkeyOptions, "ceremonies"),
    ),
    line(
      "`POST /v1/passkeys/login/verify`: passkey sign-in verification",
      l.passkeyVerify,
      `${pool(l.passkeyVerify, "assertions")}; ES256, synced passkeys`,
    ),
    line(
      "`GET /v1/oauth/{provider}/callback`: social-login callback (local OIDC provider)",
      l.socialCallback,
      l.socialCallback?.cpu?.microsecondsPerRequest.provider !== undefined
        ? `${pool(l.socialCallback, "callbacks")}; the provider's own CPU: ${l.socialCallback.cpu.microsecondsPerRequest.provider} µs per callback`
        : pool(l.socialCallback, "callbacks"),
    ),
  ].filter((x): x is string => x !== null);
}

function cpuTable(r: ResultsView): string[] {
  const names: Array<[string, keyof ResultsView["load"]]> = [
    ["`GET /health`", "health"],
    ["floor route", "floor"],
    ["`verify()` via binding", "verifyServiceBinding"],
    ["`authorize()` via binding", "authorizeServiceBinding"],
    ["`verify()`, revocation cache on", "verifyServiceBindingCached"],
    ["`GET /v1/me`", "me"],
    ["refresh", "refresh"],
    ["login", "login"],
    ["TOTP second step", "mfaSecondStep"],
    ["passkey options", "passkeyOptions"],
    ["passkey verify", "passkeyVerify"],
    ["social callback", "socialCallback"],
  ];
  return [
    row([
      "CPU µs per request",
      "workerd",
      "bridges (Node)",
      "Redis",
      "PostgreSQL",
      "OIDC provider (Node)",
      "load generator",
      "machine busy",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ...[
      ...names.map(([label, key]) => [label, r.load[key]] as const),
      ["peer: Better Auth getSession (D1)", r.peers?.betterAuthGetSession] as const,
      ["peer: OpenAuth refresh (KV)", r.peers?.openAuthRefresh] as const,
    ]
      .filter(([, x]) => x !== undefined)
      .map(([label, x]) => {
        const c = x?.cpu;
        if (!c) return row([label, "–", "–", "–", "–", "–", "–", "–"]);
        const u = c.microsecondsPerRequest;
        return row([
          label,
          u.workerd,
          u.bridges,
          u.redis,
          u.postgres,
          u.provider ?? "–",
          u.loadGenerator,
          `${Math.round(c.machineBusy * 100)}%`,
        ]);
      }),
  ];
}

function accountingTable(r: ResultsView): string[] {
  const fmt = (ops: Record<string, number>) =>
    Object.entries(ops)
      .map(([k, v]) => `${v}× ${k}`)
      .join(", ") || "–";
  return [
    row([
      "operation",
      "Postgres round trips",
      "Postgres statements",
      "Redis round trips",
      "Redis commands",
    ]),
    row(["---", "---:", "---", "---:", "---"]),
    ...Object.entries(r.accounting).map(([op, a]) =>
      row([
        op,
        a.postgres.roundTrips,
        fmt(a.postgres.statements),
        a.redis.roundTrips,
        fmt(a.redis.commands),
      ]),
    ),
  ];
}

export function markdown(r: ResultsView & { targets: Target[] }): string {
  const v = r.micro.verify;
  const a = r.argon2;
  const m = r.loginMemory;
  const lines: Array<string | null> = [
    `Run of ${r.date.slice(0, 16).replace("T", " ")} UTC, \`npm run bench\` (${r.durationSeconds} s), commit ${r.git.commit.slice(0, 7)}${
      r.git.uncommittedFiles ? ` + ${r.git.uncommittedFiles} uncommitted files` : ""
    }; ${r.plan.seconds} s per scenario, ${r.machine.loadTool} with ${r.plan.connections} connections${
      r.plan.flowSeconds === undefined
        ? ""
        : `; the sign-in flows at most ${r.plan.flowSeconds} s each over a pool of prepared requests, ${r.plan.connections} workers`
    }.`,
    "",
    "### Throughput",
    "",
    ...scenarioTable(r),
    "",
    "CPU per request by process, from /proc over the same runs (10 ms ticks; closed loops over their measured window only); the bridges stand in for Neon and Upstash and would not run on Cloudflare, nor would the OIDC provider (Google's side of a social login):",
    "",
    ...cpuTable(r),
    "",
    "### Inside workerd",
    "",
    row(["measurement", "value", "ratio"]),
    row(["---", "---:", "---:"]),
    v.microsecondsPerOp
      ? row([
          "local verify (ours: Ed25519 + pinned header + claims) / bare `crypto.subtle.verify` Ed25519",
          `${v.microsecondsPerOp.ours} / ${v.microsecondsPerOp.bareEd25519} µs`,
          `${v.ratioOursToBare}× median per round (target ≤ 1.25)`,
        ])
      : row(["local verify", "not measured", ""]),
    v.microsecondsPerOp
      ? row([
          "jose `jwtVerify` without options, same token",
          `${v.microsecondsPerOp.joseJwtVerifyNoOptions} µs`,
          "",
        ])
      : null,
    v.microsecondsPerOp?.pinnedChecksWithoutJose !== undefined
      ? row([
          "the same pinned checks without jose (bench-only sketch, `bench/worker/verify-micro.ts`)",
          `${v.microsecondsPerOp.pinnedChecksWithoutJose} µs`,
          `${v.ratioPinnedWithoutJoseToBare}× bare`,
        ])
      : null,
    a.unpinned && a.pinnedToCpu0
      ? row([
          `argon2id m=${a.params?.memoryKiB} t=${a.params?.iterations} p=${a.params?.parallelism}: workerd WASM / native \`argon2\`, unpinned`,
          `${a.unpinned.workerdMs} / ${a.unpinned.nativeMs} ms`,
          `${a.ratioUnpinned}×`,
        ])
      : row(["argon2id vs native", a.skipped ?? "not measured", ""]),
    a.pinnedToCpu0
      ? row([
          "same, both pinned to CPU 0 (`taskset`)",
          `${a.pinnedToCpu0.workerdMs} / ${a.pinnedToCpu0.nativeMs} ms`,
          `${a.ratioPinned}× (target ≤ 2; tags ${a.tagsMatch ? "identical" : "DIFFER"})`,
        ])
      : null,
    row([
      "workerd RSS: cold / after 1st login / peak in 16 concurrent logins",
      `${m.memory.coldRssMiB} / ${m.memory.idleRssAfterFirstLoginMiB} / ${m.memory.peakRssMiB} MiB`,
      `+${m.memory.peakOverColdMiB} MiB over cold (target < 128 MiB total)`,
    ]),
    m.memory.isolate
      ? row([
          "isolate (inspector): JS heap used + backing stores: cold / after 1st login / peak",
          `${m.memory.isolate.coldUsedMiB} / ${m.memory.isolate.idleUsedMiB} / ${m.memory.isolate.peakUsedMiB} MiB`,
          `backing stores after 1st login ${m.memory.isolate.idleBackingStoresMiB} MiB; peak with reserved heap ${m.memory.isolate.peakReservedMiB} MiB`,
        ])
      : null,
    row([
      "login: unknown email / wrong password (medians)",
      `${m.timing.unknownEmailMedianMs} / ${m.timing.wrongPasswordMedianMs} ms`,
      `${m.timing.ratioUnknownToWrongPassword}×`,
    ]),
    row([
      "bundle (index.js + wasm), gzip -9 / raw",
      `${r.bundle.production?.gzipKiB} / ${r.bundle.production?.rawKiB} KiB`,
      `minified: ${r.bundle.productionMinified?.gzipKiB} KiB gzip`,
    ]),
    row([
      "cold start to first 200: bundle / minified / trivial Worker",
      `${r.startup.production?.medianMs} / ${r.startup.productionMinified?.medianMs} / ${r.startup.trivialWorker?.medianMs} ms`,
      "",
    ]),
    "",
    "### Round trips per operation (counted on the wire)",
    "",
    ...accountingTable(r),
    ...(r.accounting.passkeyLogin
      ? [
          "",
          "`passkeyLogin` is the whole flow (options, then verify: the client's two round trips); `passkeyVerify` the verification alone; `socialStart` and `socialCallback` the two requests of a social login that reach this Worker. `WITH jsonb_to_recordset` is the audit heads' batched insert of their events into Postgres: it runs from the heads' alarms, not from the operation, so it is counted against whichever operation's window it falls in, a fraction that moves from run to run (docs/capacity.md).",
        ]
      : []),
    "",
    "### Targets",
    "",
    sameRunPeers(r)
      ? "`/v1/me` and refresh are judged against the peers measured in this run (bench/peers/, served by Miniflare in its own workerd), each interleaved with its scenario in segments (rounds of ours, peer, peer, ours); `side by side` gives the ratio of each pair of segments that ran next to each other."
      : `**${r.peers?.skipped ? `The peers phase failed (${r.peers.skipped.split("\n")[0]})` : "No clean same-run peer figure"}: a target without one is judged against a figure quoted from another day, which says little on this machine.**`,
    "",
    row(["target", "measured", "met"]),
    row(["---", "---", "---"]),
    ...r.targets.map((t) => row([t.target, t.measured, t.met ? "yes" : "**no**"])),
    "",
    "### Configuration of this run",
    "",
    ...Object.entries(r.configuration.features).map(([k, val]) => `- ${k}: ${val}`),
    ...r.configuration.deviations.map(
      (d) => `- deviation: \`${d.name}\` ${d.production} → ${d.bench} (${d.why})`,
    ),
  ];
  return lines.filter((l) => l !== null).join("\n");
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/** Replaces the generated section of bench/README.md; returns the Markdown. */
export function writeReadmeTables(r: ResultsView & { targets: Target[] }, readme: string): string {
  const md = markdown(r);
  const text = readFileSync(readme, "utf8");
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from === -1 || to === -1) return md;
  writeFileSync(readme, `${text.slice(0, from + START.length)}\n${md}\n${text.slice(to)}`);
  return md;
}
