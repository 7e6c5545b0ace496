import { describe, expect, it } from "vitest";
import { createRedisConnections } from "../../dev/bridges/redis-connections.ts";
import type { RedisBackend, RespArg, RespValue } from "../../dev/bridges/resp.ts";

class FakeBackend implements RedisBackend {
  static created = 0;
  readonly id = ++FakeBackend.created;
  closed = 0;
  failNext = false;
  call(_args: RespArg[]): Promise<RespValue> {
    if (this.failNext) return Promise.reject(new Error("connection lost"));
    return Promise.resolve(this.id);
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

describe("createRedisConnections", () => {
  it("creates the shared connection once and retries a failed connect", async () => {
    let attempts = 0;
    const connections = createRedisConnections(() => {
      attempts++;
      if (attempts === 1) throw new Error("refused");
      return new FakeBackend();
    });
    await expect(connections.shared()).rejects.toThrow("refused");
    const first = await connections.shared();
    expect(await connections.shared()).toBe(first);
    expect(attempts).toBe(2);
    await connections.close();
    expect((first as FakeBackend).closed).toBe(1);
  });

  it("gives concurrent exclusive users different connections and reuses idle ones", async () => {
    const made: FakeBackend[] = [];
    const connections = createRedisConnections(() => {
      const backend = new FakeBackend();
      made.push(backend);
      return backend;
    });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = connections.exclusive(async (backend) => {
      await held;
      return backend;
    });
    const second = await connections.exclusive(async (backend) => backend);
    release();
    expect(await first).not.toBe(second);
    expect(made).toHaveLength(2);
    // Both went back to the idle list; the next lease takes one of them.
    const third = await connections.exclusive(async (backend) => backend);
    expect(made).toContain(third);
    expect(made).toHaveLength(2);
    await connections.close();
  });

  it("closes, instead of reusing, a connection that failed mid-request", async () => {
    const connections = createRedisConnections(() => new FakeBackend());
    let broken: FakeBackend | undefined;
    await expect(
      connections.exclusive((backend) => {
        broken = backend as FakeBackend;
        broken.failNext = true;
        return backend.call(["MULTI"]);
      }),
    ).rejects.toThrow("connection lost");
    expect(broken?.closed).toBe(1);
    expect(await connections.exclusive(async (backend) => backend)).not.toBe(broken);
    await connections.close();
  });

  it("never closes a single instance that the factory hands out for every slot", async () => {
    const only = new FakeBackend();
    const connections = createRedisConnections(() => only);
    await connections.shared();
    await connections.exclusive(async (backend) => backend.call(["PING"]));
    only.failNext = true;
    await expect(connections.exclusive((backend) => backend.call(["PING"]))).rejects.toThrow();
    expect(only.closed).toBe(0);
    await connections.close();
    expect(only.closed).toBe(1);
  });
});
