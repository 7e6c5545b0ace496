// `npm run bench:login`: password login at the default argon2id parameters
// (m=64 MiB, t=3, p=4) in the production bundle, served by one workerd process
// against real Postgres and Redis.
//
// 1. Memory: peak workerd RSS during bursts of 16 concurrent logins, against the
//    idle RSS of the same process measured in the same run (production isolates
//    have 128 MB; the claim is that the argon2 memory is allocated once, not per login).
// 2. Timing: login with an unknown email vs a wrong password for a real account,
//    interleaved, as a ratio of medians (the dummy hash should make it ~1.0).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import { buildBundle, root, rssMiB, serveBundle } from "./serve-bundle.ts";

const BURSTS = Number(process.env.BURSTS ?? 3);
const CONCURRENCY = 16;
const TIMING_SAMPLES = Number(process.env.TIMING_SAMPLES ?? 30);

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const stack = await spawnTestStack();
const outdir = mkdtempSync(path.join(tmpdir(), "edge-auth-bench-"));
const server = await serveBundle(buildBundle(outdir), stack.bindings);
try {
  const email = `bench-${Date.now()}@example.test`;
  const password = "a benchmark password, long enough";
  // Cold: the isolate has served a request (config parsed) but hashed nothing.
  await fetch(`${server.url}/health`);
  const cold = rssMiB(server.workerdPid).rss;
  if ((await post(`${server.url}/v1/register`, { email, password })).status !== 201)
    throw new Error("register failed");
  // One login warms the isolate (WASM instantiated and grown, keys imported).
  await post(`${server.url}/v1/login`, { email, password });
  const idle = rssMiB(server.workerdPid).rss;

  const bursts: Array<{ peakRss: number; statuses: Record<number, number>; seconds: number }> = [];
  for (let b = 0; b < BURSTS; b++) {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMiB(server.workerdPid).rss);
    }, 10);
    const t0 = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        post(`${server.url}/v1/login`, { email, password }).then((r) => r.status),
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const counts: Record<number, number> = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    bursts.push({
      peakRss: Math.round(peak * 10) / 10,
      statuses: counts,
      seconds: Math.round(seconds * 100) / 100,
    });
  }
  const hwm = rssMiB(server.workerdPid).peak;

  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < TIMING_SAMPLES; i++) {
    const pair = [
      [known, { email, password: "a wrong password, long enough" }],
      [
        unknown,
        {
          email: `nobody-${i}-${Date.now()}@example.test`,
          password: "a wrong password, long enough",
        },
      ],
    ] as const;
    // Alternate which goes first, so neither side always follows the other.
    for (const [list, body] of i % 2 ? [...pair].reverse() : pair) {
      const t0 = performance.now();
      const res = await post(`${server.url}/v1/login`, body);
      list.push(performance.now() - t0);
      if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
    }
  }

  const result = {
    benchmark: "login",
    date: new Date().toISOString(),
    machine: "2 cores (shared), `workerd serve` on the production bundle",
    argon2: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
    memory: {
      coldRssMiB: Math.round(cold * 10) / 10,
      idleRssAfterFirstLoginMiB: Math.round(idle * 10) / 10,
      bursts,
      peakRssHighWaterMiB: Math.round(hwm * 10) / 10,
      peakOverIdleMiB: Math.round((Math.max(...bursts.map((b) => b.peakRss)) - idle) * 10) / 10,
    },
    timing: {
      samples: TIMING_SAMPLES,
      wrongPasswordMedianMs: Math.round(median(known) * 10) / 10,
      unknownEmailMedianMs: Math.round(median(unknown) * 10) / 10,
      ratioUnknownToWrongPassword: Math.round((median(unknown) / median(known)) * 1000) / 1000,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(root, "bench", "results"), { recursive: true });
  writeFileSync(
    path.join(root, "bench", "results", `login-${result.date.slice(0, 10)}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  await server.dispose();
  await stack.stop();
}
