// `npm run bench:ab -- <patch>...`: before/after in one run. Copies the Worker's
// sources to bench/.tmp, applies the patches there (src/ itself is never
// touched), builds both bundles and measures the hot paths of each, A B B A,
// with the CPU each spent per request. Used to show what a proposed change in
// bench/proposals/ gains before anyone applies it to src/.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import { baseHeaders, newAccountBearer } from "./api.ts";
import { benchVars } from "./limits.ts";
import { cpuPerRequest, cpuSnapshot, databasesOf } from "./load/cpu.ts";
import { httpLoad } from "./load/http-load.ts";
import { mergeSegments } from "./load/segments.ts";
import { type LoadResult, resultsJson, round } from "./load/stats.ts";
import { refreshRotation, refreshSessions } from "./phases/load.ts";
import { plan } from "./plan.ts";
import {
  buildBundle,
  readWranglerConfig,
  root,
  type Served,
  serveWorkers,
} from "./serve-bundle.ts";
import { buildConsumer, consumerWorker, mainWorker } from "./workers.ts";

const log = (msg: string) => console.error(`[bench:ab] ${msg}`);
// `--base p.patch` (repeatable) goes into both sides: B - A is then the marginal
// gain of the other patches on top of the base ones.
const args = process.argv.slice(2);
const base: string[] = [];
const patches: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--base") base.push(path.resolve(args[++i] as string));
  else patches.push(path.resolve(args[i] as string));
}
if (patches.length === 0) {
  console.error("usage: npm run bench:ab -- [--base <patch>]... bench/proposals/<name>.patch...");
  process.exit(2);
}
const stamp = new Date().toISOString();
const workDir = path.join(root, "bench", ".tmp", `ab-${stamp.replace(/[:.]/g, "-")}`);

/** A copy of what the bundle is built from, with the patches applied. */
function variantTree(dir: string, patches: string[]): void {
  mkdirSync(dir, { recursive: true });
  // generated/ holds the extracted WASM (wrangler runs the build step in the root).
  for (const entry of [
    "src",
    "scripts",
    "generated",
    "wrangler.jsonc",
    "tsconfig.json",
    "package.json",
  ]) {
    cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  // GNU patch, not `git apply`: inside this repository's work tree git would apply
  // the paths relative to the repository root and silently skip ours.
  for (const p of patches)
    execFileSync("patch", ["-p1", "--batch", "--forward", "-i", p], { cwd: dir, stdio: "inherit" });
}

interface Variant {
  label: "A" | "B";
  served: Served;
  databases: string[];
  bearer: Record<string, string>;
  refreshTokens: string[];
}

async function measure(v: Variant, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = cpuSnapshot(v.served.workerdPid, v.databases);
  const r = await run();
  return {
    ...r,
    cpu: cpuPerRequest(before, cpuSnapshot(v.served.workerdPid, v.databases), r.requests),
  };
}

const scenarios: Record<string, (v: Variant, seconds: number) => Promise<LoadResult>> = {
  "GET /health": (v, seconds) =>
    httpLoad({
      url: `${v.served.urls.main}/health`,
      headers: baseHeaders,
      connections: plan.connections,
      seconds,
    }),
  "verify() via binding": (v, seconds) =>
    httpLoad({
      url: `${v.served.urls.consumer}/protected`,
      headers: { ...baseHeaders, ...v.bearer },
      connections: plan.connections,
      seconds,
    }),
  "GET /v1/me": (v, seconds) =>
    httpLoad({
      url: `${v.served.urls.main}/v1/me`,
      headers: { ...baseHeaders, ...v.bearer },
      connections: plan.connections,
      seconds,
    }),
  "POST /v1/token/refresh": (v, seconds) =>
    refreshRotation(v.served.urls.main as string, v.refreshTokens, {
      seconds,
      warmupSeconds: 0,
      pace: plan.refreshPace,
    }),
};

log(
  `base: ${base.map((p) => path.relative(root, p)).join(", ") || "none"}; patches: ${patches.map((p) => path.relative(root, p)).join(", ")}`,
);
// Building the working tree first also refreshes generated/ (the WASM) for the copies.
buildBundle(path.join(workDir, "dist-tree"));
// The example consumer from the working tree, the same for both sides.
const consumerBundle = buildConsumer(path.join(workDir, "dist-consumer"));
variantTree(path.join(workDir, "a"), base);
variantTree(path.join(workDir, "b"), [...base, ...patches]);
const cfgA = readWranglerConfig(path.join(workDir, "a", "wrangler.jsonc"));
const bundleA = buildBundle(
  path.join(workDir, "dist-a"),
  path.join(workDir, "a", "wrangler.jsonc"),
);
const cfgB = readWranglerConfig(path.join(workDir, "b", "wrangler.jsonc"));
const bundleB = buildBundle(
  path.join(workDir, "dist-b"),
  path.join(workDir, "b", "wrangler.jsonc"),
);
// One stack (database, Redis, bridges) per side: both sides' audit heads start
// their chains at seq 1, and in one database the second side's rows would collide.
const stacks = await Promise.all([spawnTestStack(), spawnTestStack()]);
// BENCH_DO_STORAGE_DIR, as in `npm run bench`: each side's SQLite files there
// (e.g. under /dev/shm), off this machine's disk; a deviation, named in the table.
const doStorageRoot = process.env.BENCH_DO_STORAGE_DIR
  ? path.join(process.env.BENCH_DO_STORAGE_DIR, `bench-ab-${stamp.replace(/[:.]/g, "-")}`)
  : undefined;
const variants: Variant[] = [];
try {
  for (const [label, cfg, bundle, stack] of [
    ["A", cfgA, bundleA, stacks[0]],
    ["B", cfgB, bundleB, stacks[1]],
  ] as const) {
    const text = { ...benchVars(cfg.vars ?? {}, plan).vars, ...stack.bindings };
    const served = await serveWorkers(
      [mainWorker(bundle.dir, cfg, text), consumerWorker(cfg, consumerBundle.dir)],
      path.join(workDir, label),
      doStorageRoot ? { doStorageDir: path.join(doStorageRoot, label) } : {},
    );
    const variant: Variant = {
      label,
      served,
      databases: databasesOf(stack.bindings),
      bearer: {},
      refreshTokens: [],
    };
    variants.push(variant);
    variant.bearer = (await newAccountBearer(served.urls.main as string, `ab-${label}`)).bearer;
    variant.refreshTokens = await refreshSessions(served.urls.main as string, plan.refreshSessions);
  }
  const [a, b] = variants as [Variant, Variant];
  const half = Math.max(1, Math.round(plan.seconds / 2));
  const rows: Array<{ scenario: string; a: LoadResult; b: LoadResult }> = [];
  // BENCH_AB_ONLY=refresh,me keeps the scenarios whose name contains one of the words.
  const only = (process.env.BENCH_AB_ONLY ?? "").split(",").filter(Boolean);
  const chosen = Object.entries(scenarios).filter(
    ([name]) => only.length === 0 || only.some((w) => name.toLowerCase().includes(w.toLowerCase())),
  );
  for (const [name, run] of chosen) {
    log(`${name}: A B B A, ${half} s each after a ${plan.warmupSeconds} s warm-up of each`);
    await run(a, plan.warmupSeconds);
    await run(b, plan.warmupSeconds);
    const a1 = await measure(a, () => run(a, half));
    const b1 = await measure(b, () => run(b, half));
    const b2 = await measure(b, () => run(b, half));
    const a2 = await measure(a, () => run(a, half));
    rows.push({ scenario: name, a: mergeSegments([a1, a2]), b: mergeSegments([b1, b2]) });
  }
  const table = [
    `A = working tree${base.map((p) => ` + \`${path.basename(p)}\``).join("")}, B = A + ${patches.map((p) => `\`${path.basename(p)}\``).join(" + ")}; ${stamp.slice(0, 16)} UTC, \`npm run bench:ab\`${plan.refreshPace ? `; refresh as an open loop at ${plan.refreshPace}/s` : ""}${doStorageRoot ? `; Durable Object storage under ${process.env.BENCH_DO_STORAGE_DIR} (a deviation)` : ""}.`,
    "",
    "| scenario | A req/s | B req/s | B/A | A p99 ms | B p99 ms | A workerd µs/req | B workerd µs/req | B/A CPU | errors A/B |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(({ scenario, a: x, b: y }) => {
      const ca = x.cpu?.microsecondsPerRequest.workerd ?? Number.NaN;
      const cb = y.cpu?.microsecondsPerRequest.workerd ?? Number.NaN;
      return `| ${scenario} | ${x.rps} | ${y.rps} | ${round(y.rps / x.rps)}× | ${x.p99Ms} | ${y.p99Ms} | ${ca} | ${cb} | ${round(cb / ca)}× | ${x.errors}/${y.errors} |`;
    }),
  ].join("\n");
  console.log(table);
  const name = (ps: string[]) => ps.map((p) => path.basename(p, ".patch").slice(0, 2)).join("+");
  const out = path.join(
    root,
    "bench",
    "results",
    `ab-${stamp.slice(0, 10)}-${base.length ? `${name(base)}-vs-` : ""}${name([...base, ...patches])}.json`,
  );
  const rel = (ps: string[]) => ps.map((p) => path.relative(root, p));
  writeFileSync(
    out,
    resultsJson({ date: stamp, base: rel(base), patches: rel(patches), plan, rows, table }),
  );
  log(`results: ${path.relative(root, out)}`);
} finally {
  for (const v of variants) await v.served.dispose();
  for (const stack of stacks) await stack.stop();
  if (!process.env.BENCH_KEEP_TMP) {
    rmSync(workDir, { recursive: true, force: true });
    if (doStorageRoot) rmSync(doStorageRoot, { recursive: true, force: true });
  }
}
