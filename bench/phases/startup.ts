// Bundle size and cold start: the time from spawning `workerd serve` to the
// first 200 from the Worker, for the production bundle, the same bundle
// minified (a candidate change), and a trivial Worker (the runtime's own floor),
// interleaved run by run.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { median, round } from "../load/stats.ts";
import {
  type Bundle,
  rssMiB,
  spawnWorkerd,
  type WorkerSpec,
  writeWorkerdConfig,
} from "../serve-bundle.ts";

export function bundleSize(bundle: Bundle) {
  const files = readdirSync(bundle.dir).filter((f) => /\.(js|wasm)$/.test(f));
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(path.join(bundle.dir, f));
    raw += statSync(path.join(bundle.dir, f)).size;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return {
    files,
    rawKiB: round(raw / 1024, 1),
    gzipKiB: round(gzip / 1024, 1),
    wrangler: bundle.uploadSize,
  };
}

export function helloWorker(dir: string, compatibilityDate: string): WorkerSpec {
  const file = path.join(dir, "hello.js");
  writeFileSync(file, 'export default { fetch() { return new Response("ok"); } };\n');
  return { name: "hello", source: file, compatibilityDate, listen: true };
}

async function firstOk(url: string, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {}
    if (performance.now() > deadline) throw new Error(`no 200 from ${url}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function startupPhase(
  variants: Array<{ label: string; worker: WorkerSpec; path: string }>,
  workDir: string,
  runs: number,
) {
  const configs = [];
  for (const v of variants) {
    configs.push({ ...v, cfg: await writeWorkerdConfig([v.worker], path.join(workDir, v.label)) });
  }
  const samples: Record<string, { ms: number[]; rss: number[] }> = {};
  for (let r = 0; r < runs; r++) {
    for (const v of configs) {
      const port = v.cfg.ports[v.worker.name] as number;
      const t0 = performance.now();
      const child = spawnWorkerd(v.cfg.configPath);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        await firstOk(`http://127.0.0.1:${port}${v.path}`, 20_000);
        const ms = performance.now() - t0;
        const s = samples[v.label] ?? { ms: [], rss: [] };
        samples[v.label] = s;
        s.ms.push(round(ms, 1));
        s.rss.push(round(rssMiB(child.pid as number).rss, 1));
      } finally {
        child.kill("SIGTERM");
        await exited;
      }
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([label, s]) => [
      label,
      {
        medianMs: round(median(s.ms), 1),
        samplesMs: s.ms,
        rssAfterFirstRequestMiB: round(median(s.rss), 1),
      },
    ]),
  );
}
