// Login at the default argon2id cost in a workerd process serving only the
// production bundle: (1) peak RSS during bursts of 16 concurrent logins against
// the same process's cold and idle RSS; (2) an unknown email vs a wrong password
// for a real account, interleaved, as a ratio of medians (the dummy hash should
// make it ~1.0, so timing does not reveal whether an account exists).
//
// Process RSS counts workerd itself (~45 MiB for a trivial Worker) besides the
// isolate. Cloudflare's 128 MB limit is per isolate, so with the inspector on the
// isolate's own memory is sampled too: V8's JS heap plus the ArrayBuffer backing
// stores outside it, where the argon2 WASM memory lives.

import { PASSWORD, postJson, register, uniqueEmail } from "../api.ts";
import { inspect } from "../inspector.ts";
import { median, round } from "../load/stats.ts";
import { rssMiB } from "../serve-bundle.ts";
import { MAIN } from "../workers.ts";

const CONCURRENCY = 16;
const MiB = 1024 * 1024;

/** CDP Runtime.getHeapUsage (bytes); backingStorageSize: array buffers and external strings. */
interface HeapUsage {
  usedSize: number;
  totalSize: number;
  backingStorageSize?: number;
}

/** The isolate's memory in MiB: JS heap used and reserved, each plus backing stores. */
async function isolateMiB(cdp: Awaited<ReturnType<typeof inspect>>) {
  const h = await cdp.send<HeapUsage>("Runtime.getHeapUsage");
  const backing = h.backingStorageSize ?? 0;
  return {
    used: (h.usedSize + backing) / MiB,
    reserved: (h.totalSize + backing) / MiB,
    backing: backing / MiB,
  };
}

export async function loginMemoryPhase(
  server: { url: string; workerdPid: number; inspectorPort?: number },
  opts: { bursts: number; timingSamples: number },
) {
  const cdp = server.inspectorPort ? await inspect(server.inspectorPort, MAIN) : null;
  try {
    return await measure(server, opts, cdp);
  } finally {
    cdp?.close();
  }
}

async function measure(
  server: { url: string; workerdPid: number },
  opts: { bursts: number; timingSamples: number },
  cdp: Awaited<ReturnType<typeof inspect>> | null,
) {
  const email = uniqueEmail("memory");
  // Cold: the isolate has served a request (config parsed) but hashed nothing.
  await fetch(`${server.url}/health`);
  const cold = rssMiB(server.workerdPid).rss;
  const isolateCold = cdp ? await isolateMiB(cdp) : null;
  await register(server.url, email);
  // One login warms the isolate (WASM instantiated and grown, keys imported).
  await postJson(`${server.url}/v1/login`, { email, password: PASSWORD });
  const idle = rssMiB(server.workerdPid).rss;
  const isolateIdle = cdp ? await isolateMiB(cdp) : null;
  let isolatePeakUsed = isolateIdle?.used ?? 0;
  let isolatePeakReserved = isolateIdle?.reserved ?? 0;

  const bursts: Array<{ peakRss: number; statuses: Record<number, number>; seconds: number }> = [];
  for (let b = 0; b < opts.bursts; b++) {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMiB(server.workerdPid).rss);
    }, 10);
    // The isolate answers the inspector between its tasks (not during a hash), so
    // one request at a time, back to back, for the whole burst.
    let bursting = true;
    const heapSampler = (async () => {
      while (cdp && bursting) {
        const m = await isolateMiB(cdp);
        isolatePeakUsed = Math.max(isolatePeakUsed, m.used);
        isolatePeakReserved = Math.max(isolatePeakReserved, m.reserved);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const t0 = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        postJson(`${server.url}/v1/login`, { email, password: PASSWORD }).then((r) => r.status),
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    bursting = false;
    await heapSampler;
    peak = Math.max(peak, rssMiB(server.workerdPid).rss);
    const counts: Record<number, number> = {};
    for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
    bursts.push({ peakRss: round(peak, 1), statuses: counts, seconds: round(seconds) });
  }
  const hwm = rssMiB(server.workerdPid).peak;

  const known: number[] = [];
  const unknown: number[] = [];
  const wrong = "a wrong password, long enough";
  for (let i = 0; i < opts.timingSamples; i++) {
    const pair = [
      [known, { email, password: wrong }],
      [unknown, { email: uniqueEmail(`nobody-${i}`), password: wrong }],
    ] as const;
    // Alternate which goes first, so neither side always follows the other.
    for (const [list, body] of i % 2 ? [...pair].reverse() : pair) {
      const t0 = performance.now();
      const res = await postJson(`${server.url}/v1/login`, body);
      list.push(performance.now() - t0);
      if (res.status !== 401)
        throw new Error(`expected 401, got ${res.status} ${JSON.stringify(res.json)}`);
    }
  }
  const peakRss = Math.max(...bursts.map((b) => b.peakRss));
  return {
    concurrency: CONCURRENCY,
    memory: {
      coldRssMiB: round(cold, 1),
      idleRssAfterFirstLoginMiB: round(idle, 1),
      bursts,
      peakRssMiB: peakRss,
      peakRssHighWaterMiB: round(hwm, 1),
      peakOverColdMiB: round(peakRss - cold, 1),
      peakOverIdleMiB: round(peakRss - idle, 1),
      // Absent when served without the inspector.
      isolate: isolateCold &&
        isolateIdle && {
          coldUsedMiB: round(isolateCold.used, 1),
          idleUsedMiB: round(isolateIdle.used, 1),
          idleBackingStoresMiB: round(isolateIdle.backing, 1),
          peakUsedMiB: round(isolatePeakUsed, 1),
          peakReservedMiB: round(isolatePeakReserved, 1),
        },
    },
    timing: {
      samples: opts.timingSamples,
      wrongPasswordMedianMs: round(median(known), 1),
      unknownEmailMedianMs: round(median(unknown), 1),
      ratioUnknownToWrongPassword: round(median(unknown) / median(known), 3),
    },
  };
}
