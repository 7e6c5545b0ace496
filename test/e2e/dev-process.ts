// `npm run dev` as a user starts it, in its own process group (as a terminal
// would), with a port and a data folder of its own unless told otherwise.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../dev/stack/ports.ts";

export interface DevProcess {
  base: string;
  port: number;
  dataDir: string;
  /** The npm process. */
  child: ChildProcess;
  output(): string;
  /** npm's exit code (null when it died of a signal). */
  exited: Promise<number | null>;
  /** Stops the whole process group and removes the data folder unless it was given. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Added to the environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** A data folder to use (kept at stop); default: a fresh temporary one (removed). */
  dataDir?: string;
  /** The port to serve on (the issuer follows it); default: a free one. */
  port?: number;
}

export const newDataDir = () => mkdtempSync(path.join(tmpdir(), "edge-auth-e2e-"));

export async function launchDev(options: LaunchOptions = {}): Promise<DevProcess> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? newDataDir();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    DEV_DATA_DIR: dataDir,
    DATABASE_URL: "",
    REDIS_URL: "",
    // A free port for the mail sink, so a developer's own dev server on 8025 does not clash.
    MAIL_SINK_PORT: "0",
    // Likewise for the social login demo app's 8789.
    DEMO_APP_PORT: "0",
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  let output = "";
  const child = spawn("npm", ["run", "dev"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves "healthy" once /health answers, or "exited" if npm exits first. */
export async function healthyOrExited(
  dev: DevProcess,
  timeoutMs = 90_000,
): Promise<"healthy" | "exited"> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void dev.exited.then(() => (exited = true));
  for (;;) {
    if (exited) return "exited";
    if (Date.now() > deadline)
      throw new Error(`npm run dev did not answer in time:\n${dev.output()}`);
    try {
      if ((await fetch(`${dev.base}/health`)).ok) return "healthy";
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Launches the dev server and waits until it answers. A free port is released
 * before wrangler binds it, so another process can take it in between; when the
 * port was ours to choose and wrangler reports it taken, a new one is tried.
 */
export async function startDev(options: LaunchOptions = {}): Promise<DevProcess> {
  for (let attempt = 1; ; attempt++) {
    const dev = await launchDev(options);
    if ((await healthyOrExited(dev)) === "healthy") return dev;
    await dev.stop();
    const portTaken = /Address already in use/.test(dev.output());
    if (!portTaken || options.port !== undefined || attempt === 3) {
      throw new Error(`npm run dev exited early:\n${dev.output()}`);
    }
  }
}

/** Waits until the output matches (the dev server prints some lines after /health answers). */
export async function outputMatching(
  dev: DevProcess,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(dev.output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the output:\n${dev.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ProcessInfo {
  pid: number;
  command: string;
}

/** Every process below `pid`, from `ps` (Linux and macOS). */
export function descendantsOf(pid: number): ProcessInfo[] {
  const rows = execFileSync("ps", ["-A", "-o", "pid=", "-o", "ppid=", "-o", "args="], {
    encoding: "utf8",
  })
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3] ?? "" }));
  const found: ProcessInfo[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const row of rows.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      queue.push(row.pid);
    }
  }
  return found;
}

/** Whether a process still runs (a zombie, exited but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" });
    return stat.trim() !== "" && !stat.trim().startsWith("Z");
  } catch {
    return false; // ps exits non-zero for a pid that does not exist
  }
}

/** Waits until none of `pids` runs any more; returns those still running at the deadline. */
export async function stillRunningAfter(pids: number[], timeoutMs = 30_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = pids.filter(isRunning);
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The env files the dev server handed wrangler, anywhere under its data folder (full paths). */
export const workerEnvFiles = (dataDir: string): string[] =>
  (readdirSync(dataDir, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "worker.env")
    .map((f) => path.join(dataDir, f));

/** Whether this process can listen on 127.0.0.1:port right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
