// Starts a throwaway Redis for tests (a real redis-server on a free port, nothing
// on disk), or uses REDIS_URL. Dev fallbacks never stand in for it in tests.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { freePort, stopChild, waitForPort } from "./ports.ts";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function hasRedisServer(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  await waitForPort("127.0.0.1", port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopChild(child),
  };
}
