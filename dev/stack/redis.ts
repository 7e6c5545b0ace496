// A real redis-server on a free port. Tests get a throwaway one (nothing on
// disk); `npm run dev` passes a data folder so that what the Worker wrote
// (revocations above all) survives a restart.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { freePort, stopChild, waitForPort } from "./ports.ts";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /**
   * Where to keep the data. Unset: nothing is written to disk. Set: an
   * append-only file in this folder, replayed at the next start (a logout must
   * stay a logout after a restart of the dev server).
   */
  dataDir?: string;
}

/** What to tell someone whose machine has no redis-server. */
export const REDIS_INSTALL_HINT = [
  "Debian/Ubuntu: sudo apt-get install redis-server",
  "macOS: brew install redis",
];

export function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function persistenceArgs(dataDir: string | undefined): string[] {
  if (dataDir === undefined) return ["--save", "", "--appendonly", "no"];
  mkdirSync(dataDir, { recursive: true });
  // AOF with an fsync every second; redis-server also flushes it when it stops
  // on SIGTERM or SIGINT. No RDB snapshots: the AOF alone is replayed.
  return [
    ...["--dir", dataDir, "--logfile", path.join(dataDir, "redis.log")],
    ...["--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
  ];
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", ...persistenceArgs(options.dataDir)],
    { stdio: "ignore" },
  );
  // If this process exits without stopping the server (an uncaught error, an
  // exit during start-up), the server must not outlive it.
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", stopOnExit);
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}`))),
  );
  exited.catch(() => {}); // after start-up, stop() is what waits for the exit
  try {
    await Promise.race([waitForPort("127.0.0.1", port), exited]);
  } catch (error) {
    stopOnExit();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stopChild(child);
      process.removeListener("exit", stopOnExit);
    },
  };
}
