// Fixed-request load (the same request over and over) from wrk, or autocannon
// where wrk is not installed. Both run as their own process, with one thread.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { type LoadResult, round } from "./stats.ts";

const run = promisify(execFile);

export interface HttpLoad {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
}

// BENCH_LOAD_TOOL=autocannon forces the fallback (wrk is lighter on a 2-core machine).
const WRK =
  process.env.BENCH_LOAD_TOOL === "autocannon"
    ? undefined
    : ["/usr/bin/wrk", "/usr/local/bin/wrk"].find((p) => existsSync(p));

export const httpLoadTool = WRK ? "wrk" : "autocannon";

export function httpLoad(load: HttpLoad): Promise<LoadResult> {
  return WRK ? wrk(WRK, load) : autocannon(load);
}

const toMs = (value: string, unit: string): number =>
  Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? Number.NaN);

async function wrk(bin: string, load: HttpLoad): Promise<LoadResult> {
  // wrk takes whole seconds only.
  const args = [
    "-t1",
    `-c${load.connections}`,
    `-d${Math.max(1, Math.round(load.seconds))}s`,
    "--latency",
    "--timeout",
    "5s",
  ];
  for (const [k, v] of Object.entries(load.headers ?? {})) args.push("-H", `${k}: ${v}`);
  const { stdout } = await run(bin, [...args, load.url], { timeout: (load.seconds + 30) * 1000 });
  const latency = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(stdout);
    return m ? round(toMs(m[1] as string, m[2] as string)) : Number.NaN;
  };
  const requests = Number(/(\d+) requests in ([\d.]+)(ms|s|m)/.exec(stdout)?.[1] ?? Number.NaN);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const transport = socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    tool: "wrk",
    connections: load.connections,
    seconds: load.seconds,
    requests,
    rps: round(Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN), 1),
    p50Ms: latency("50"),
    p99Ms: latency("99"),
    errors: non2xx + transport,
  };
}

async function autocannon(load: HttpLoad): Promise<LoadResult> {
  const args = ["autocannon", "-j", "-c", String(load.connections), "-d", String(load.seconds)];
  for (const [k, v] of Object.entries(load.headers ?? {})) args.push("-H", `${k}=${v}`);
  const { stdout } = await run("npx", [...args, load.url], {
    timeout: (load.seconds + 60) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const r = JSON.parse(stdout) as {
    requests: { total: number; average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
  };
  return {
    tool: "autocannon",
    connections: load.connections,
    seconds: load.seconds,
    requests: r.requests.total,
    rps: round(r.requests.total / r.duration, 1),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
  };
}
