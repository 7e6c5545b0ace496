// `npm run bench:gc -- [refresh|me|health|trivial]`: what one scenario leaves to
// V8's garbage collector and how long the collector stops the isolate. Serves
// the production bundle as `npm run bench` phase 1 does (same stack, same
// rate-limit deviations) with V8's `--trace-gc-nvp`, runs the scenario for
// BENCH_SECONDS, and prints, per request, the bytes allocated and the bytes
// promoted to the old generation (which set how often a full GC comes), and
// every full GC's pause with the share V8's own phases account for.
//
// `trivial` is a Worker that answers "ok" and does nothing else, under the same
// load as `health`: the runtime's own full-GC pauses, with next to no heap.
// refresh runs an open loop at BENCH_REFRESH_PACE arrivals a second (150 when
// unset); the others run wrk (or autocannon) at saturation. V8 flags are a
// diagnostic here: a Worker on Cloudflare cannot set them.
//
// BENCH_COUNT_OBJECTS=1 also counts the workerd API objects wrapped for
// JavaScript per request (bench/load/runtime-objects.ts; root and Debian's
// linux-perf), which a full GC frees one by one inside its pause.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import { baseHeaders, expectGet, newAccountBearer } from "./api.ts";
import { benchVars } from "./limits.ts";
import { type GcEvent, parseGcLine, summarizeGc } from "./load/gc-trace.ts";
import { httpLoad } from "./load/http-load.ts";
import { countRuntimeObjects } from "./load/runtime-objects.ts";
import type { LoadResult } from "./load/stats.ts";
import { refreshRotation, refreshSessions } from "./phases/load.ts";
import { plan } from "./plan.ts";
import { scenarioArgument } from "./scenario-argument.ts";
import {
  buildBundle,
  readWranglerConfig,
  root,
  serveWorkers,
  type WorkerSpec,
} from "./serve-bundle.ts";
import { MAIN, mainWorker } from "./workers.ts";

const log = (msg: string) => console.error(`[bench:gc] ${msg}`);
const scenario = scenarioArgument("bench:gc", ["refresh", "me", "health", "trivial"]);
const DEFAULT_REFRESH_PACE = 150;
const TRIVIAL = "trivial";
const TRIVIAL_MODULE = `export default { fetch() { return new Response("ok"); } };`;
const COUNT_OBJECTS = process.env.BENCH_COUNT_OBJECTS === "1";
/** How long trace lines may trail the load's end through the pipe. */
const TRACE_DRAIN_MS = 500;

const workDir = path.join(
  root,
  "bench",
  ".tmp",
  `gc-${new Date().toISOString().replace(/[:.]/g, "-")}`,
);

await main();

async function main(): Promise<void> {
  const cfg = readWranglerConfig();
  if (scenario !== TRIVIAL) log("starting PostgreSQL, Redis and the bridges");
  const stack = scenario === TRIVIAL ? null : await spawnTestStack();
  try {
    let worker: WorkerSpec;
    if (stack) {
      log("building the production bundle");
      const prod = buildBundle(path.join(workDir, "dist", "prod"));
      worker = mainWorker(prod.dir, cfg, {
        ...benchVars(cfg.vars ?? {}, plan).vars,
        ...stack.bindings,
      });
    } else {
      mkdirSync(workDir, { recursive: true });
      const file = path.join(workDir, "trivial.js");
      writeFileSync(file, TRIVIAL_MODULE);
      worker = {
        name: TRIVIAL,
        source: file,
        compatibilityDate: cfg.compatibility_date,
        compatibilityFlags: cfg.compatibility_flags ?? [],
        listen: true,
      };
    }
    const served = await serveWorkers([worker], path.join(workDir, "p1"), {
      doStorageDir: path.join(workDir, "do-storage"),
      v8Flags: ["--trace-gc-nvp"],
    });
    try {
      const events: GcEvent[] = [];
      let recording = false;
      const lines = createInterface({ input: served.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        const event = recording ? parseGcLine(line) : null;
        if (event) events.push(event);
      });
      const url = served.urls[stack ? MAIN : TRIVIAL] as string;
      const drive = await prepare(url);
      log(`warm-up ${plan.warmupSeconds} s`);
      await drive(plan.warmupSeconds);
      log(`measuring ${scenario} for ${plan.seconds} s`);
      recording = true;
      const objects = COUNT_OBJECTS ? await countRuntimeObjects(served.workerdPid) : null;
      const result = await drive(plan.seconds);
      const wrapped = objects ? await objects.stop() : null;
      await new Promise((resolve) => setTimeout(resolve, TRACE_DRAIN_MS));
      recording = false;
      lines.close();
      report(result, summarizeGc(events, result.requests), wrapped);
    } finally {
      await served.dispose();
    }
  } finally {
    await stack?.stop();
  }
}

/** Sets up the scenario's account or sessions; returns a load run of `seconds`. */
async function prepare(url: string): Promise<(seconds: number) => Promise<LoadResult>> {
  if (scenario === "refresh") {
    const pace = plan.refreshPace || DEFAULT_REFRESH_PACE;
    log(`logging in ${plan.refreshSessions} sessions; an open loop at ${pace} arrivals/s`);
    const tokens = await refreshSessions(url, plan.refreshSessions);
    return (seconds) => refreshRotation(url, tokens, { seconds, warmupSeconds: 0, pace });
  }
  const headers = {
    ...baseHeaders,
    ...(scenario === "me" ? (await newAccountBearer(url, "gc")).bearer : {}),
  };
  const target = `${url}${scenario === "me" ? "/v1/me" : scenario === "health" ? "/health" : "/"}`;
  await expectGet(target, headers);
  return (seconds) => httpLoad({ url: target, headers, connections: plan.connections, seconds });
}

function report(
  result: LoadResult,
  gc: ReturnType<typeof summarizeGc>,
  wrappedObjects: number | null,
): void {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows: Array<[string, string]> = [
    ["requests (req/s)", `${result.requests} (${result.rps})`],
    ["latency p50 / p99", `${result.p50Ms} / ${result.p99Ms} ms`],
    ["allocated per request", kib(gc.allocatedPerRequest)],
    ["promoted to the old generation per request", kib(gc.promotedPerRequest)],
    ["scavenges (mean pause)", `${gc.scavenges} (${gc.scavengeMeanMs} ms)`],
    ["full GCs", String(gc.markCompacts)],
    ["full GC pauses", gc.markCompactPausesMs.map((p) => `${p} ms`).join(", ") || "none"],
    [
      "why V8 started them",
      Object.entries(gc.markCompactReasons)
        .map(([reason, n]) => `${reason} (${n})`)
        .join(", ") || "–",
    ],
    [
      "share of those pauses in V8's own phases",
      `${Math.round(gc.markCompactPhasesShare * 100)} %`,
    ],
  ];
  if (wrappedObjects !== null) {
    // perf counts from its attach to its stop, a little wider than the load's window.
    rows.push([
      "workerd API objects wrapped for JS per request (uprobe)",
      (wrappedObjects / result.requests).toFixed(1),
    ]);
  }
  console.log(`| ${scenario} | |\n| --- | --- |`);
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}
