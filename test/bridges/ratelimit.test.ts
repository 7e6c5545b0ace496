import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sha1Hex, stripUnsupportedShebangFlags } from "../../dev/bridges/lua-scripts.ts";
import { connectRedis, type RespClient } from "../../dev/bridges/resp.ts";
import { startUpstashBridge, type UpstashBridge } from "../../dev/bridges/upstash.ts";
import { startRedisServer, type RedisServer as TestRedisServer } from "../../dev/stack/redis.ts";

const TOKEN = "ratelimit-token";
let server: TestRedisServer;
let bridge: UpstashBridge;
let direct: RespClient;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  bridge = await startUpstashBridge({ token: TOKEN, redis: () => connectRedis(server.url) });
  direct = await connectRedis(server.url);
  redis = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
});

afterAll(async () => {
  await bridge?.close();
  await direct?.close();
  await server?.stop();
});

beforeEach(async () => {
  // Every test starts with an empty script cache and fresh command counters.
  await direct.call(["SCRIPT", "FLUSH"]);
  await direct.call(["CONFIG", "RESETSTAT"]);
});

async function commandCalls(): Promise<Record<string, { calls: number; failed: number }>> {
  const info = (await direct.call(["INFO", "commandstats"]))?.toString() ?? "";
  const stats: Record<string, { calls: number; failed: number }> = {};
  for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+),.*failed_calls=(\d+)/gm)) {
    stats[match[1] as string] = { calls: Number(match[2]), failed: Number(match[3]) };
  }
  return stats;
}

async function outcomes(limiter: Ratelimit, id: string, times: number): Promise<boolean[]> {
  const results: boolean[] = [];
  for (let i = 0; i < times; i++) results.push((await limiter.limit(id)).success);
  return results;
}

describe("@upstash/ratelimit through the Upstash bridge", () => {
  const algorithms = {
    slidingWindow: Ratelimit.slidingWindow(3, "1 h"),
    fixedWindow: Ratelimit.fixedWindow(3, "1 h"),
    tokenBucket: Ratelimit.tokenBucket(1, "1 h", 3),
  };

  for (const [name, limiter] of Object.entries(algorithms)) {
    it(`${name}: allows 3 requests, then limits`, async () => {
      const ratelimit = new Ratelimit({
        redis,
        limiter,
        prefix: `rl:${name}`,
        ephemeralCache: false,
      });
      expect(await outcomes(ratelimit, "client-a", 4)).toEqual([true, true, true, false]);
      // Identifiers are limited independently.
      expect((await ratelimit.limit("client-b")).success).toBe(true);
      const remaining = await ratelimit.getRemaining("client-a");
      expect(remaining.remaining).toBe(0);
    });
  }

  it("caches the script under the client's SHA and then uses EVALSHA", async () => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.fixedWindow(10, "1 h"),
      prefix: "rl:sha",
      ephemeralCache: false,
    });
    await ratelimit.limit("x"); // EVALSHA → NOSCRIPT → EVAL (script gets cached)
    const afterFirst = await commandCalls();
    expect(afterFirst.eval?.calls).toBe(1);

    await ratelimit.limit("x");
    await ratelimit.limit("x");
    const afterThird = await commandCalls();
    expect(afterThird.eval?.calls).toBe(1); // no further EVAL: the cached script ran
    const evalsha = afterThird.evalsha ?? { calls: 0, failed: 0 };
    expect(evalsha.calls - evalsha.failed).toBe(2);
    expect((await ratelimit.getRemaining("x")).remaining).toBe(7);
  });
});

describe("Lua scripts with Upstash-only shebang flags", () => {
  const script = "#!lua flags=allow-key-locking,no-writes\nreturn {KEYS[1], ARGV[1]}";
  const originalSha = sha1Hex(script);
  const strippedSha = sha1Hex(stripUnsupportedShebangFlags(script));

  it("EVAL and EVAL_RO run them", async () => {
    expect(await redis.eval(script, ["k"], ["v"])).toEqual(["k", "v"]);
    expect(await redis.evalRo(script, ["k2"], ["v2"])).toEqual(["k2", "v2"]);
  });

  it("SCRIPT LOAD answers the original SHA, which EVALSHA and SCRIPT EXISTS accept", async () => {
    expect(await redis.scriptLoad(script)).toBe(originalSha);
    // Redis itself only knows the stripped text.
    expect(await direct.call(["SCRIPT", "EXISTS", originalSha, strippedSha])).toEqual([0, 1]);
    expect(await redis.scriptExists(originalSha)).toEqual([1]);
    expect(await redis.evalsha(originalSha, ["a"], ["b"])).toEqual(["a", "b"]);
    expect(await redis.evalshaRo(originalSha, ["c"], ["d"])).toEqual(["c", "d"]);
  });

  it("passes unknown SHAs through so the client sees NOSCRIPT", async () => {
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    expect(await redis.scriptExists("0".repeat(40))).toEqual([0]);
  });

  it("createScript().exec falls back from EVALSHA to EVAL and then stays cached", async () => {
    const counter = redis.createScript<number>(
      "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])",
    );
    expect(await counter.exec(["script:counter"], [])).toBe(1);
    expect(await counter.exec(["script:counter"], [])).toBe(2);
    const stats = await commandCalls();
    expect(stats.eval?.calls).toBe(1);
  });
});
