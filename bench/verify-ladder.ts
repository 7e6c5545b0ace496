// `npm run bench:verify-ladder`: where an online `verify()` over the service
// binding spends its CPU, against the floor route (issue 22 asks for the
// consumer isolate, the RPC hop and the Redis subrequest apart). Six rungs,
// each one piece more than another (bench/worker/ladder.ts), run in interleaved
// segments so they share this machine's drift; a piece's cost is the difference
// of two rungs' workerd CPU per request (bench/ladder-steps.ts). Prints a table
// and writes bench/results/verify-ladder-<date>.json.
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import { expectGet, newAccountBearer } from "./api.ts";
import { ladderSteps, type Rungs } from "./ladder-steps.ts";
import { benchVars } from "./limits.ts";
import { databasesOf } from "./load/cpu.ts";
import { httpLoadTool } from "./load/http-load.ts";
import { createMeter } from "./load/meter.ts";
import { type LoadResult, resultsJson, round } from "./load/stats.ts";
import { fixed, interleaved } from "./phases/load.ts";
import { plan } from "./plan.ts";
import { buildBundle, readWranglerConfig, root, serveWorkers } from "./serve-bundle.ts";
import { benchWorker, buildConsumer, consumerWorker, mainWorker } from "./workers.ts";

const log = (msg: string) => console.error(`[bench:verify-ladder] ${msg}`);
const stamp = new Date().toISOString();
const workDir = path.join(root, "bench", ".tmp", `ladder-${stamp.replace(/[:.]/g, "-")}`);

const RUNGS: Array<{ key: keyof Rungs; label: string; path: string; on: "bench" | "consumer" }> = [
  { key: "ok", label: "HTTP in, JSON out (bench worker)", path: "/__bench/ladder/ok", on: "bench" },
  { key: "floor", label: "+ jose `jwtVerify`: the floor", path: "/__bench/floor", on: "bench" },
  {
    key: "hop",
    label: "ok + the binding's round trip (`verify()` refusing a non-string)",
    path: "/__bench/ladder/hop",
    on: "bench",
  },
  {
    key: "fetch",
    label: "floor + the revocation `MGET` as a bare `fetch()` (no client)",
    path: "/__bench/ladder/fetch",
    on: "bench",
  },
  {
    key: "isolateClient",
    label: "floor + the revocation check, one Upstash client per isolate (not production)",
    path: "/__bench/ladder/isolate-client",
    on: "bench",
  },
  {
    key: "revocation",
    label: "floor + the revocation check, a client per request (production)",
    path: "/__bench/ladder/revocation",
    on: "bench",
  },
  {
    key: "verify",
    label: "ok + `verify()` over the binding, called bare",
    path: "/__bench/ladder/verify",
    on: "bench",
  },
  {
    key: "consumer",
    label: "the example consumer's `GET /protected` (Hono + @edge-auth/hono + `verify()`)",
    path: "/protected",
    on: "consumer",
  },
];

const cfg = readWranglerConfig();
log("building the production bundle, the example consumer and the bench worker");
const prod = buildBundle(path.join(workDir, "dist", "prod"));
const consumerBundle = buildConsumer(path.join(workDir, "dist", "consumer"));
const benchBundle = buildBundle(
  path.join(workDir, "dist", "bench"),
  path.join(root, "bench", "worker", "wrangler.jsonc"),
);
const stack = await spawnTestStack();
try {
  const text = { ...benchVars(cfg.vars ?? {}, plan).vars, ...stack.bindings };
  const served = await serveWorkers(
    [
      mainWorker(prod.dir, cfg, text),
      consumerWorker(cfg, consumerBundle.dir),
      benchWorker(benchBundle.dir, cfg, text, true),
    ],
    path.join(workDir, "served"),
  );
  try {
    const urls = served.urls as { main: string; consumer: string; bench: string };
    const { bearer } = await newAccountBearer(urls.main, "ladder");
    const headersOf = (on: "bench" | "consumer") => (on === "consumer" ? bearer : {});
    // Every rung must answer 200 before it is loaded: a refusal is not a rung.
    for (const r of RUNGS) await expectGet(`${urls[r.on]}${r.path}`, headersOf(r.on));
    const meter = createMeter({
      workerd: served.workerdPid,
      databases: databasesOf(stack.bindings),
    });
    const segment = { ...plan, seconds: Math.max(1, Math.round(plan.seconds / (2 * plan.rounds))) };
    log(
      `${RUNGS.length} rungs, ${plan.rounds} round(s) of all of them forwards then backwards, ${segment.seconds} s segments (${httpLoadTool}, ${plan.connections} connections)`,
    );
    const results = await interleaved(
      plan.rounds,
      RUNGS.map((r) => () => fixed(meter, segment, `${urls[r.on]}${r.path}`, headersOf(r.on))),
    );
    const measured = RUNGS.map((r, i) => ({ ...r, result: results[i] as LoadResult }));
    const cpuOf = (x: LoadResult) => x.cpu?.microsecondsPerRequest.workerd ?? Number.NaN;
    const rungs = Object.fromEntries(
      measured.map((m) => [m.key, cpuOf(m.result)]),
    ) as unknown as Rungs;
    const steps = ladderSteps(rungs);
    const floorRps = measured.find((m) => m.key === "floor")?.result.rps ?? Number.NaN;
    const table = [
      `${stamp.slice(0, 16)} UTC, \`npm run bench:verify-ladder\`, ${plan.seconds} s per rung in ${2 * plan.rounds} interleaved segments.`,
      "",
      "| rung | req/s | / floor | p99 ms | workerd µs/req | bridges µs/req | errors |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...measured.map(
        ({ label, result: x }) =>
          `| ${label} | ${x.rps} | ${round(x.rps / floorRps)}× | ${x.p99Ms} | ${cpuOf(x)} | ${x.cpu?.microsecondsPerRequest.bridges ?? "–"} | ${x.errors} |`,
      ),
      "",
      "| piece (difference of rungs) | workerd µs per request |",
      "| --- | ---: |",
      `| HTTP in and out (ok) | ${rungs.ok} |`,
      `| jose (floor − ok) | ${steps.jose} |`,
      `| the binding's round trip (hop − ok) | ${steps.bindingHop} |`,
      `| the runtime's subrequest (fetch − floor) | ${steps.subrequest} |`,
      `| the Upstash client (revocation − fetch) | ${steps.upstashClient} |`,
      `| of which a client per request (revocation − isolate client) | ${steps.clientPerRequest} |`,
      `| AuthService's own work (verify − the pieces above) | ${steps.authServiceOwn} |`,
      `| the consumer's framework (consumer − verify) | ${steps.consumerFramework} |`,
      `| a \`verify()\` of the inherent pieces only (ok + jose + hop + subrequest) | ${steps.inherent} |`,
      "",
      `Floor CPU / CPU: the inherent pieces ${steps.bestRatio}×, the bare \`verify()\` ${steps.verifyRatio}×, the consumer ${steps.consumerRatio}×.`,
    ].join("\n");
    console.log(table);
    const out = path.join(root, "bench", "results", `verify-ladder-${stamp.slice(0, 10)}.json`);
    writeFileSync(
      out,
      resultsJson({
        date: stamp,
        plan,
        rungs: measured,
        steps,
        table,
      }),
    );
    log(`results: ${path.relative(root, out)}`);
  } finally {
    await served.dispose();
  }
} finally {
  await stack.stop();
  if (!process.env.BENCH_KEEP_TMP) rmSync(workDir, { recursive: true, force: true });
}
