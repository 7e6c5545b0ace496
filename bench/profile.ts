// `npm run bench:profile -- [refresh|me|verify]`: where workerd's CPU goes on one
// hot path. Builds and serves the production bundle as `npm run bench` phase 1 does
// (same stack, same rate-limit deviations), with workerd's inspector on, and
// records a V8 CPU profile of the production worker's isolate over BENCH_SECONDS of
// the scenario's own load. Writes bench/.tmp/profile-<scenario>.cpuprofile (opens
// in Chrome DevTools or speedscope) and prints self time by function and by source
// module, mapped back to the original files through wrangler's source map.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../dev/stack/ports.ts";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import { baseHeaders, expectGet, newAccountBearer } from "./api.ts";
import { inspect } from "./inspector.ts";
import { benchVars } from "./limits.ts";
import { type CpuGroups, cpuPerRequest, cpuSnapshot, databasesOf } from "./load/cpu.ts";
import { httpLoad, httpLoadTool } from "./load/http-load.ts";
import type { LoadResult } from "./load/stats.ts";
import { refreshRotation, refreshSessions } from "./phases/load.ts";
import { plan } from "./plan.ts";
import { scenarioArgument } from "./scenario-argument.ts";
import { buildBundle, readWranglerConfig, root, serveWorkers } from "./serve-bundle.ts";
import { moduleOf, sourceMapper } from "./source-map.ts";
import { buildConsumer, CONSUMER, consumerWorker, MAIN, mainWorker } from "./workers.ts";

const log = (msg: string) => console.error(`[bench:profile] ${msg}`);
const scenario = scenarioArgument("bench:profile", ["refresh", "me", "verify"]);
type Scenario = typeof scenario;
// Asked of V8; on this 2-core machine the ticks come every ~190 µs (the median is used).
const SAMPLING_INTERVAL_US = 100;
const TOP_FUNCTIONS = 40;

const tmp = path.join(root, "bench", ".tmp");
const workDir = path.join(tmp, `profile-${new Date().toISOString().replace(/[:.]/g, "-")}`);
const outFile = path.join(tmp, `profile-${scenario}.cpuprofile`);
mkdirSync(workDir, { recursive: true });

/** Sets up the scenario's user and sessions; returns a load run of `seconds`. */
async function prepare(
  name: Scenario,
  urls: { main: string; consumer: string },
): Promise<(seconds: number) => Promise<LoadResult>> {
  if (name === "refresh") {
    log(`logging in ${plan.refreshSessions} sessions`);
    // The same sessions carry on from the warm-up into the profiled run.
    const tokens = await refreshSessions(urls.main, plan.refreshSessions);
    // BENCH_REFRESH_PACE > 0: an open loop at that many arrivals a second.
    return (seconds) =>
      refreshRotation(urls.main, tokens, { seconds, warmupSeconds: 0, pace: plan.refreshPace });
  }
  const headers = { ...baseHeaders, ...(await newAccountBearer(urls.main, "profile")).bearer };
  // verify(): the example consumer calls the main worker's AuthService over the
  // service binding; the RPC, the revocation check and the token checks run in
  // the main isolate, which is what is profiled.
  const url = name === "me" ? `${urls.main}/v1/me` : `${urls.consumer}/protected`;
  await expectGet(url, headers);
  log(`${httpLoadTool}, ${plan.connections} connections (${CONSUMER} for verify)`);
  return (seconds) => httpLoad({ url, headers, connections: plan.connections, seconds });
}

interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, as V8 reports them. */
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  /** µs between consecutive samples (the first from startTime). */
  timeDeltas: number[];
}

// ---- Report ------------------------------------------------------------------

interface Frame {
  /** One function: name and position (natives: also their JS caller). */
  key: string;
  name: string;
  where: string;
  group: string;
  /** Natives only: the source group of the JS function that called it. */
  caller?: string;
}

/** workerd's built-in JS modules (node:*, cloudflare:*), not part of the bundle. */
const builtinGroup = (url: string) => `workerd built-in (${url.split(":")[0]})`;

/** V8's own entries: not functions, and grouped under their own names. */
const PSEUDO_FRAMES = new Set(["(root)", "(program)", "(idle)", "(garbage collector)"]);

function report(
  profile: CpuProfile,
  result: LoadResult,
  cpuUs: CpuGroups,
  bundleDir: string,
): void {
  const map = sourceMapper(bundleDir);
  const bundleJs = readdirSync(bundleDir).find((f) => f.endsWith(".js")) ?? "index.js";
  // V8 drops a tick while the isolate is not locked by its thread (waiting on
  // I/O, another isolate running) and ticks late on a busy machine, so the gap
  // after a sample is not that frame's time (DevTools credits it anyway: gaps of
  // 1-100 ms land on whatever ran last). Every sample counts as the median tick.
  const deltas = [...profile.timeDeltas].sort((a, b) => a - b);
  const tick = deltas[deltas.length >> 1] ?? SAMPLING_INTERVAL_US;
  // Where a bundle frame's function is defined in the original sources.
  const located = (f: CallFrame): { where: string; group: string } => {
    const origin = map?.(f.lineNumber, f.columnNumber);
    if (!origin) return { where: `${bundleJs}:${f.lineNumber + 1}`, group: "bundle (unmapped)" };
    const group = moduleOf(origin.file);
    const file = origin.file.replace(/^.*node_modules\//, "");
    const where = `${file.startsWith(group) ? "" : `${group}/`}${file}:${origin.line}`;
    return {
      where: origin.file.includes("node_modules/") ? where : `${file}:${origin.line}`,
      group,
    };
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frames = new Map<number, Frame>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const name = f.functionName || "(anonymous)";
    const key = `${name}|${f.url}|${f.lineNumber}|${f.columnNumber}`;
    let frame: Frame;
    if (PSEUDO_FRAMES.has(name) && !f.url) frame = { key, name, where: "", group: name };
    else if (!f.url) {
      // V8 builtins and workerd's C++ APIs (fetch, SQLite, crypto) have no
      // source: name the JS function that called them instead.
      let up = parent.get(node.id);
      while (up !== undefined && !nodes.get(up)?.callFrame.url) up = parent.get(up);
      const c = up === undefined ? undefined : nodes.get(up)?.callFrame;
      const caller = !c
        ? undefined
        : c.url.endsWith(bundleJs)
          ? located(c)
          : { where: c.url, group: builtinGroup(c.url) };
      const where = caller ? `← ${caller.where}` : "";
      frame = { key: `${key}|${where}`, name, where, group: "native", caller: caller?.group };
    } else if (f.url.endsWith(bundleJs)) frame = { key, name, ...located(f) };
    else frame = { key, name, where: f.url, group: builtinGroup(f.url) };
    frames.set(node.id, frame);
  }
  const byFunction = new Map<string, { self: number; total: number; frame: Frame }>();
  const byGroup = new Map<string, { self: number; native: number }>();
  const fn = (f: Frame) => {
    const e = byFunction.get(f.key) ?? { self: 0, total: 0, frame: f };
    byFunction.set(f.key, e);
    return e;
  };
  const grp = (g: string) => {
    const e = byGroup.get(g) ?? { self: 0, native: 0 };
    byGroup.set(g, e);
    return e;
  };
  let total = 0;
  let idle = 0;
  for (const id of profile.samples) {
    const f = frames.get(id) as Frame;
    fn(f).self += tick;
    grp(f.group).self += tick;
    if (f.caller) grp(f.caller).native += tick;
    total += tick;
    if (f.group === "(idle)") idle += tick;
    // Inclusive time: each function once per sample, however often it recurses.
    const onStack = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      const g = frames.get(up) as Frame;
      if (!onStack.has(g.key)) fn(g).total += tick;
      onStack.add(g.key);
    }
  }
  const busy = total - idle;
  const n = Math.max(1, result.requests);
  const ms = (us: number) => (us / 1000).toFixed(1);
  const pct = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1)}%`;
  const perReq = (us: number) => (us / n).toFixed(1);

  console.log(
    `\n## ${scenario}: ${result.requests} requests in ${result.seconds} s (${result.rps}/s), ` +
      `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors (${result.tool})`,
  );
  console.log(
    `workerd CPU per request (/proc, profiler on): ${cpuUs.workerd} µs; ` +
      `isolate sampled busy (not idle): ${perReq(busy)} µs ` +
      `(${profile.samples.length} samples over ${ms(profile.endTime - profile.startTime)} ms, ` +
      `each counted as the median tick, ${tick} µs)`,
  );
  console.log(
    `other processes per request: bridges ${cpuUs.bridges} µs, redis ${cpuUs.redis} µs, ` +
      `postgres ${cpuUs.postgres} µs, load generator ${cpuUs.loadGenerator} µs`,
  );
  if (!map) console.log("no source map next to the bundle: frames are attributed by name only");
  console.log(`\n### Top ${TOP_FUNCTIONS} functions by self time (% of non-idle samples)\n`);
  printTable(
    ["self ms", "%", "self µs/req", "total µs/req", "function", "defined at", "module"],
    [...byFunction.values()]
      .filter((e) => e.self > 0)
      .sort((a, b) => b.self - a.self)
      .slice(0, TOP_FUNCTIONS)
      .map(({ self, total, frame: f }) => [
        ms(self),
        pct(self),
        perReq(self),
        perReq(total),
        f.name,
        f.where,
        f.group,
      ]),
  );
  console.log("\n### Self time by source (% of non-idle samples)\n");
  printTable(
    ["self ms", "%", "self µs/req", "+ native it calls µs/req", "source"],
    [...byGroup.entries()]
      .sort((a, b) => b[1].self - a[1].self)
      .map(([group, { self, native }]) => [
        ms(self),
        group === "(idle)" ? "–" : pct(self),
        perReq(self),
        native ? perReq(native) : "",
        group,
      ]),
  );
}

/** A Markdown table with padded columns (numbers right-aligned). */
function printTable(head: string[], rows: string[][]): void {
  const numeric = head.map((_, i) => rows.every((r) => /^[\d.%–-]*$/.test(r[i] ?? "")));
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells
      .map((c, i) => (numeric[i] ? c.padStart(width[i] as number) : c.padEnd(width[i] as number)))
      .join(" | ")} |`;
  console.log(line(head));
  console.log(
    `|${width.map((w, i) => (numeric[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`,
  );
  for (const r of rows) console.log(line(r));
}

// Last, so the module-level constants above (PSEUDO_FRAMES) are initialized first.
await main();

async function main(): Promise<void> {
  log("building the production bundle and the example consumer");
  const cfg = readWranglerConfig();
  const prod = buildBundle(path.join(workDir, "dist", "prod"));
  const consumer = buildConsumer(path.join(workDir, "dist", "consumer"));
  log("starting PostgreSQL, Redis and the bridges");
  const stack = await spawnTestStack();
  try {
    const text = { ...benchVars(cfg.vars ?? {}, plan).vars, ...stack.bindings };
    const inspectorPort = await freePort();
    // Phase 1's workers minus the bench worker: it is a separate isolate (its own
    // inspector target) and serves none of these scenarios.
    const served = await serveWorkers(
      [mainWorker(prod.dir, cfg, text), consumerWorker(cfg, consumer.dir)],
      path.join(workDir, "p1"),
      { doStorageDir: path.join(workDir, "do-storage"), inspectorPort },
    );
    try {
      const urls = served.urls as { main: string; consumer: string };
      const drive = await prepare(scenario, urls);
      // Durable Objects have no target of their own: workerd runs a namespace's
      // objects in the isolate of the worker that defines it, so the main target's
      // profile includes RefreshFamily and AuditHead.
      const cdp = await inspect(inspectorPort, MAIN);
      try {
        log(`warm-up ${plan.warmupSeconds} s`);
        await drive(plan.warmupSeconds);
        await cdp.send("Profiler.enable");
        await cdp.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
        log(
          `profiling ${scenario} for ${plan.seconds} s (sampling every ${SAMPLING_INTERVAL_US} µs)`,
        );
        const databases = databasesOf(stack.bindings);
        const before = cpuSnapshot(served.workerdPid, databases);
        await cdp.send("Profiler.start");
        const result = await drive(plan.seconds);
        const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
        const cpu = cpuPerRequest(
          before,
          cpuSnapshot(served.workerdPid, databases),
          result.requests,
        );
        writeFileSync(outFile, JSON.stringify(profile));
        report(profile, result, cpu.microsecondsPerRequest, prod.dir);
        log(`profile: ${path.relative(root, outFile)}`);
      } finally {
        cdp.close();
      }
    } finally {
      await served.dispose();
    }
  } finally {
    await stack.stop();
    if (!process.env.BENCH_KEEP_TMP) rmSync(workDir, { recursive: true, force: true });
  }
}
