// The real redis-server the dev server and the tests start (dev/stack/redis.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { connectRedis, type RespValue } from "../../dev/bridges/index.ts";
import { type RedisServer, startRedisServer } from "../../dev/stack/redis.ts";

const servers: RedisServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function started(dataDir?: string): Promise<RedisServer> {
  const server = await startRedisServer(dataDir === undefined ? {} : { dataDir });
  servers.push(server);
  return server;
}

/** Bulk strings come back as Buffers; as text here. */
const text = (value: RespValue): unknown =>
  Buffer.isBuffer(value) ? value.toString() : Array.isArray(value) ? value.map(text) : value;

async function call(server: RedisServer, ...args: string[]): Promise<unknown> {
  const client = await connectRedis(server.url);
  try {
    return text(await client.call(args));
  } finally {
    await client.close();
  }
}

describe("startRedisServer", () => {
  // Regression: the dev redis-server kept nothing, so a restart of npm run dev
  // forgot every logout and logged-out tokens worked again.
  it("with a data folder, keeps what was written (and its expiry) across a restart", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "edge-auth-redis-"));
    dirs.push(dataDir);
    const first = await started(dataDir);
    expect(await call(first, "SET", "revoked:user", "1", "EX", "3600")).toBe("OK");
    await first.stop();
    servers.pop();

    const second = await started(dataDir);
    expect(second.port).not.toBe(0);
    expect(await call(second, "GET", "revoked:user")).toBe("1");
    const ttl = (await call(second, "TTL", "revoked:user")) as number;
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("without one (tests), keeps nothing on disk", async () => {
    const server = await started();
    expect(await call(server, "CONFIG", "GET", "appendonly")).toEqual(["appendonly", "no"]);
    expect(await call(server, "CONFIG", "GET", "save")).toEqual(["save", ""]);
  });
});
