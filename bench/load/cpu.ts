// CPU time per request by process group, read from /proc around a measured run.
// On a shared 2-core machine throughput alone cannot say whose cost it is: the
// load generator, the bridges, Redis and PostgreSQL all compete with workerd.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { round } from "./stats.ts";

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
  childTicks: number;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may contain spaces and parentheses: split after the last ')'.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const f = stat.slice(close + 2).split(" ");
    const n = (i: number) => Number(f[i - 3]);
    return { pid, ppid: n(4), comm, ticks: n(14) + n(15), childTicks: n(16) + n(17) };
  } catch {
    return null;
  }
}

function allProcs(): Proc[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== null);
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machine(): { busy: number; total: number } {
  const f = (readFileSync("/proc/stat", "utf8").split("\n")[0] as string)
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

export interface CpuGroups {
  workerd: number;
  /** The test stack's Node process: the Neon and Upstash bridges. */
  bridges: number;
  redis: number;
  /** Backends serving the bench's own databases (the server may be shared). */
  postgres: number;
  /** This process and its reaped children (wrk, or the Node load generator itself). */
  loadGenerator: number;
  /**
   * The bench's own local OpenID Connect provider, a Node process of its own
   * (bench/oidc-provider.ts); absent when none was tracked.
   */
  provider?: number;
}

type Group = keyof CpuGroups;

export interface CpuSnapshot {
  /** Ticks per process, with the group it counts for. */
  procs: Map<number, { group: Group; ticks: number }>;
  machine: { busy: number; total: number };
}

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/**
 * Ticks of every process that belongs to the bench. `databases` names the
 * bench's databases: a Postgres backend's title is "postgres: … <user> <db> …",
 * and only those backends count (other work on a shared server does not).
 * `providerPid`, a Node child like the stack's, counts as the provider instead.
 */
export function cpuSnapshot(
  workerdPid: number,
  databases: readonly string[] = [],
  providerPid?: number,
): CpuSnapshot {
  const all = allProcs();
  const stackPids = new Set(
    all.filter((p) => p.ppid === process.pid && p.comm.startsWith("node")).map((p) => p.pid),
  );
  const procs = new Map<number, { group: Group; ticks: number }>();
  for (const p of all) {
    let group: Group | null = null;
    let ticks = p.ticks;
    if (p.pid === workerdPid) group = "workerd";
    else if (p.pid === providerPid) group = "provider";
    else if (p.pid === process.pid) {
      group = "loadGenerator";
      ticks += p.childTicks;
    } else if (stackPids.has(p.pid)) group = "bridges";
    else if (p.comm.startsWith("redis-server") && stackPids.has(p.ppid)) group = "redis";
    else if (p.comm === "postgres" && databases.length) {
      const title = ` ${cmdline(p.pid)} `;
      if (databases.some((db) => title.includes(` ${db} `))) group = "postgres";
    }
    if (group) procs.set(p.pid, { group, ticks });
  }
  return { procs, machine: machine() };
}

export interface CpuPerRequest {
  /** CPU µs per successful request, per group. */
  microsecondsPerRequest: CpuGroups;
  /** Busy share of all cores during the run (1.0 = every core busy). */
  machineBusy: number;
}

/** Per-process deltas (a process that exited in between loses its share; one that started counts whole). */
export function cpuPerRequest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
): CpuPerRequest {
  const ticks: Required<CpuGroups> = {
    workerd: 0,
    bridges: 0,
    redis: 0,
    postgres: 0,
    loadGenerator: 0,
    provider: 0,
  };
  let provider = false;
  for (const [pid, p] of after.procs) {
    ticks[p.group] += Math.max(0, p.ticks - (before.procs.get(pid)?.ticks ?? 0));
    if (p.group === "provider") provider = true;
  }
  const per = (k: Group) => round((ticks[k] * TICK_MS * 1000) / Math.max(1, requests), 0);
  return {
    microsecondsPerRequest: {
      workerd: per("workerd"),
      bridges: per("bridges"),
      redis: per("redis"),
      postgres: per("postgres"),
      loadGenerator: per("loadGenerator"),
      ...(provider ? { provider: per("provider") } : {}),
    },
    machineBusy: round(
      (after.machine.busy - before.machine.busy) /
        Math.max(1, after.machine.total - before.machine.total),
      2,
    ),
  };
}

/** The database names of the stack's connection strings (for cpuSnapshot). */
export const databasesOf = (bindings: Record<string, string>): string[] =>
  [bindings.DATABASE_URL, bindings.AUDIT_DATABASE_URL]
    .filter((u): u is string => typeof u === "string" && u.length > 0)
    .map((u) => decodeURIComponent(new URL(u).pathname.slice(1)));
