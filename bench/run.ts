// `npm run bench`: the whole harness in one command. Builds the production
// bundle (and the bench-only worker), starts the real stack (PostgreSQL, Redis,
// the project's bridges), serves everything with `workerd serve`, runs every
// phase, and writes bench/results/<date>.json plus the tables in bench/README.md.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../dev/stack/ports.ts";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import {
  type CountingProxy,
  neonStatements,
  startCountingProxy,
  upstashCommands,
} from "./counting-proxy.ts";
import { benchVars } from "./limits.ts";
import { databasesOf } from "./load/cpu.ts";
import { httpLoadTool } from "./load/http-load.ts";
import { createMeter } from "./load/meter.ts";
import { resultsJson } from "./load/stats.ts";
import { type BenchProvider, startBenchProvider } from "./oidc-provider.ts";
import { type PeerResults, type RunningPeers, startPeers } from "./peers/measure.ts";
import { accountingPhase } from "./phases/accounting.ts";
import { argon2Phase } from "./phases/argon2.ts";
import { type FlowPeople, type FlowSetup, flowsPhase } from "./phases/flows.ts";
import { loadPhase } from "./phases/load.ts";
import { loginMemoryPhase } from "./phases/login-memory.ts";
import { microPhase } from "./phases/micro.ts";
import { bundleSize, helloWorker, startupPhase } from "./phases/startup.ts";
import { plan } from "./plan.ts";
import { evaluateTargets, features, writeReadmeTables } from "./report.ts";
import { buildBundle, readWranglerConfig, root, serveWorkers } from "./serve-bundle.ts";
import {
  benchWorker,
  buildConsumer,
  CONSUMER_CACHED,
  cachedMainWorker,
  consumerWorker,
  MAIN_CACHED,
  mainWorker,
  prepWorker,
} from "./workers.ts";

const log = (msg: string) => console.error(`[bench] ${msg}`);
const t0 = Date.now();
const stamp = new Date().toISOString();
const workDir = path.join(root, "bench", ".tmp", `run-${stamp.replace(/[:.]/g, "-")}`);
mkdirSync(workDir, { recursive: true });
// One Durable Object storage for every phase (they run one after the other on one database).
// BENCH_DO_STORAGE_DIR (e.g. under /dev/shm) moves the SQLite files off this
// machine's disk, whose syncs cost workerd CPU and latency on every commit: a
// deviation, labelled in the results, which then go to <date>-do-tmpfs.json and
// leave the README's tables alone.
const doStorageOverride = process.env.BENCH_DO_STORAGE_DIR;
const objects = {
  doStorageDir: doStorageOverride
    ? path.join(doStorageOverride, `bench-${stamp.replace(/[:.]/g, "-")}`)
    : path.join(workDir, "do-storage"),
};

log(
  "building the production bundle, a minified variant, the example consumer and the bench worker",
);
const cfg = readWranglerConfig();
const prod = buildBundle(path.join(workDir, "dist", "prod"));
const prodMinified = buildBundle(path.join(workDir, "dist", "prod-min"), undefined, ["--minify"]);
const consumerBundle = buildConsumer(path.join(workDir, "dist", "consumer"));
const benchBundle = buildBundle(
  path.join(workDir, "dist", "bench"),
  path.join(root, "bench", "worker", "wrangler.jsonc"),
);

log("starting PostgreSQL, Redis and the bridges, and a local OIDC provider");
const stack = await spawnTestStack();
const proxies: CountingProxy[] = [];
let provider: BenchProvider | undefined;
try {
  provider = await startBenchProvider();
  const { vars, deviations, unchanged } = benchVars(cfg.vars ?? {}, plan);
  // A secret like the stack's others (production sets it with `wrangler secret put`).
  const adminKey = randomBytes(32).toString("base64url");
  const text = {
    ...vars,
    ...stack.bindings,
    ADMIN_API_KEY: adminKey,
    ...provider.bindings,
  };
  const flowSetup = (prep: string): FlowSetup => ({
    prep,
    databaseUrl: stack.bindings.DATABASE_URL as string,
    provider: provider as BenchProvider,
    text,
  });

  log(
    "phase 1: throughput (production bundle + example consumer + bench worker + prep worker, one workerd)",
  );
  const p1 = await serveWorkers(
    [
      mainWorker(prod.dir, cfg, text),
      consumerWorker(cfg, consumerBundle.dir),
      benchWorker(benchBundle.dir, cfg, text, true),
      prepWorker(prod.dir, cfg, text),
      cachedMainWorker(prod.dir, cfg, text),
      consumerWorker(cfg, consumerBundle.dir, { name: CONSUMER_CACHED, main: MAIN_CACHED }),
    ],
    path.join(workDir, "p1"),
    objects,
  );
  let load: Omit<Awaited<ReturnType<typeof loadPhase>>, "peers"> & Record<string, unknown>;
  let micro: Awaited<ReturnType<typeof microPhase>>;
  let people: FlowPeople;
  let peers: PeerResults | { skipped: string } | undefined;
  try {
    const urls = {
      ...(p1.urls as { main: string; consumer: string; bench: string; prep: string }),
      consumerCached: p1.urls[CONSUMER_CACHED] as string,
    };
    const meter = createMeter({
      workerd: p1.workerdPid,
      databases: databasesOf(stack.bindings),
      provider: provider.pid,
    });
    // The baselines of the /v1/me and refresh targets (bench/peers/), started
    // now and loaded segment by segment between ours, so they share the drift.
    log(
      "same-run peers: Better Auth getSession on D1, OpenAuth refresh on KV (Miniflare, one workerd)",
    );
    let running: RunningPeers | undefined;
    try {
      running = await startPeers({
        seconds: plan.seconds,
        warmupSeconds: plan.warmupSeconds,
        connections: plan.connections,
        sessions: plan.refreshSessions,
        workDir: path.join(workDir, "peers"),
        keep: true,
        databases: databasesOf(stack.bindings),
      });
    } catch (err) {
      peers = { skipped: String(err instanceof Error ? err.message : err).slice(0, 1000) };
      log(`peers failed to start, targets fall back to the quoted figures: ${peers.skipped}`);
    }
    try {
      const { peers: measured, ...ours } = await loadPhase(plan, urls, meter, adminKey, running);
      load = ours;
      if (running && measured) {
        peers = {
          ...measured,
          setup: {
            ...running.setup,
            deviations: [
              ...running.setup.deviations,
              `each peer runs in ${2 * plan.rounds} segments interleaved with the scenario it is the baseline of (rounds of ours, peer, peer, ours)`,
            ],
          },
        };
      }
    } finally {
      await running?.stop();
    }
    const flows = await flowsPhase(plan, urls.main, meter, flowSetup(urls.prep));
    load = { ...load, ...flows.results };
    people = flows.people;
    log("micro-benchmarks inside workerd");
    micro = await microPhase(urls.bench);
  } finally {
    await p1.dispose();
  }

  log("phase 2: round trips and commands per operation (counting proxies)");
  const neon = await startCountingProxy(
    new URL(stack.bindings.NEON_FETCH_ENDPOINT as string).origin,
    neonStatements,
  );
  const upstash = await startCountingProxy(
    stack.bindings.UPSTASH_REDIS_REST_URL as string,
    upstashCommands,
  );
  proxies.push(neon, upstash);
  const counted = {
    ...text,
    NEON_FETCH_ENDPOINT: `${neon.url}${new URL(stack.bindings.NEON_FETCH_ENDPOINT as string).pathname}`,
    UPSTASH_REDIS_REST_URL: upstash.url,
  };
  // The prep worker talks to the bridges directly: its preparation is not counted.
  const p2 = await serveWorkers(
    [
      mainWorker(prod.dir, cfg, counted),
      consumerWorker(cfg, consumerBundle.dir),
      prepWorker(prod.dir, cfg, text),
    ],
    path.join(workDir, "p2"),
    objects,
  );
  let accounting: Awaited<ReturnType<typeof accountingPhase>>;
  try {
    const urls = p2.urls as { main: string; consumer: string; prep: string };
    accounting = await accountingPhase(urls, { neon, upstash }, plan.accountingOps, {
      setup: flowSetup(urls.prep),
      people,
      adminKey,
    });
  } finally {
    await p2.dispose();
  }

  log(
    "phase 3: peak RSS in bursts of 16 concurrent logins; login timing (production bundle alone)",
  );
  // The inspector reads the isolate's own heap beside the process RSS.
  const inspectorPort = await freePort();
  const p3 = await serveWorkers([mainWorker(prod.dir, cfg, text)], path.join(workDir, "p3"), {
    ...objects,
    inspectorPort,
  });
  let loginMemory: Awaited<ReturnType<typeof loginMemoryPhase>>;
  try {
    loginMemory = await loginMemoryPhase(
      { url: p3.urls.main as string, workerdPid: p3.workerdPid, inspectorPort },
      plan,
    );
  } finally {
    await p3.dispose();
  }

  log("phase 4: argon2id in workerd vs the native reference, unpinned and pinned to CPU 0");
  const p4 = await serveWorkers(
    [benchWorker(benchBundle.dir, cfg, text)],
    path.join(workDir, "p4"),
    objects,
  );
  let argon2: Awaited<ReturnType<typeof argon2Phase>>;
  try {
    argon2 = await argon2Phase(p4.urls.bench as string, p4.workerdPid, plan.argon2Rounds);
  } finally {
    await p4.dispose();
  }

  log("phase 5: bundle size and cold start");
  const startup = await startupPhase(
    [
      { label: "production", worker: mainWorker(prod.dir, cfg, text), path: "/health" },
      {
        label: "productionMinified",
        worker: mainWorker(prodMinified.dir, cfg, text),
        path: "/health",
      },
      { label: "trivialWorker", worker: helloWorker(workDir, cfg.compatibility_date), path: "/" },
    ],
    path.join(workDir, "p5"),
    plan.startupRuns,
  );

  const results = {
    benchmark: "edge-auth",
    date: stamp,
    durationSeconds: Math.round((Date.now() - t0) / 1000),
    command: "npm run bench",
    git: gitState(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      workerd: execFileSync(
        path.join(root, "node_modules/@cloudflare/workerd-linux-64/bin/workerd"),
        ["--version"],
        {
          encoding: "utf8",
        },
      ).trim(),
      loadTool: httpLoadTool,
    },
    plan,
    configuration: {
      features: features(cfg, accounting),
      deviations,
      limitsUnchanged: unchanged,
      otherDeviations: [
        "Neon and Upstash are replaced by the project's local bridges (dev/bridges) in front of PostgreSQL 15 and Redis 7 on this machine: no network latency, but their CPU shares the same 2 cores",
        doStorageOverride
          ? `Durable Objects run in the same workerd process, stored by workerd's localDisk SQLite in ${doStorageOverride} (BENCH_DO_STORAGE_DIR; no disk syncs, no replication)`
          : "Durable Objects run in the same workerd process, stored by workerd's localDisk SQLite on this machine's disk (no replication)",
        "queue producers (wrangler.jsonc `queues.producers`) are bound to a local sink that accepts and drops messages; queue consumers and cron triggers are not exercised",
        "the breached-password range API and the mail API are unreachable offline (registration fails open after its timeout; only setup registers)",
        "every request carries CF-Connecting-IP: 203.0.113.7 (one client IP), as Cloudflare's edge would add it",
        "the sign-in flows' preparation (accounts copied in Postgres from one registered account, TOTP turned on in Postgres, password first steps, passkey registration) runs on a second copy of the production bundle (`prep`) hashing at argon2id's lowest accepted cost (m=19456 t=1 p=1), from another client IP (198.51.100.7) with its limits raised; it shares the main worker's Postgres, Redis, keys and Durable Objects and is idle while anything is measured",
        "social login: the Worker's `google` provider points to the test stack's local OIDC provider code (dev/stack/oidc-provider.ts) run in a Node process of its own (bench/oidc-provider.ts), so its CPU is read apart from the bridges'; flow requests reach the main worker with `Host: auth.bench`, the origin its client's redirect URI names",
        "load generator, workerd, bridges, PostgreSQL and Redis share 2 cores",
      ],
    },
    bundle: {
      production: bundleSize(prod),
      productionMinified: bundleSize(prodMinified),
      benchWorker: bundleSize(benchBundle),
    },
    startup,
    load,
    peers,
    micro,
    argon2,
    loginMemory,
    accounting,
  };
  const targets = evaluateTargets(results);
  const out = { ...results, targets };
  const resultsDir = path.join(root, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(
    resultsDir,
    `${stamp.slice(0, 10)}${doStorageOverride ? "-do-tmpfs" : ""}.json`,
  );
  writeFileSync(file, resultsJson(out));
  if (doStorageOverride) {
    log(`results: ${path.relative(root, file)} (README tables left as they are)`);
  } else {
    const table = writeReadmeTables(out, path.join(root, "bench", "README.md"));
    console.log(table);
    log(
      `results: ${path.relative(root, file)}; tables updated in bench/README.md (${out.durationSeconds} s)`,
    );
  }
} finally {
  for (const p of proxies) await p.close();
  await provider?.stop();
  await stack.stop();
  if (!process.env.BENCH_KEEP_TMP) {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(objects.doStorageDir, { recursive: true, force: true });
  }
}

function gitState() {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  try {
    return {
      commit: git("rev-parse", "HEAD"),
      uncommittedFiles: git("status", "--porcelain").split("\n").filter(Boolean).length,
    };
  } catch {
    return { commit: "unknown", uncommittedFiles: -1 };
  }
}
