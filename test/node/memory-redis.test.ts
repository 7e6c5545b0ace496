// The dev-only in-memory Redis (dev/stack/memory-redis.ts): command semantics,
// reply shapes, expiry, transactions and Lua, and @upstash/ratelimit's scripts
// running on it, directly and through the Upstash REST bridge with the real
// clients. Where a redis-server is installed, a differential test checks that it
// answers like a real Redis 7 to the same commands.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { MultiRegionRatelimit, Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { stripUnsupportedShebangFlags } from "../../dev/bridges/lua-scripts.ts";
import {
  connectRedis,
  type RedisBackend,
  type RespArg,
  RespError,
  type RespValue,
} from "../../dev/bridges/resp.ts";
import { startUpstashBridge, type UpstashBridge } from "../../dev/bridges/upstash.ts";
import { type MemoryRedis, startMemoryRedis } from "../../dev/stack/memory-redis.ts";
import { hasRedisServer, startRedisServer } from "../../dev/stack/redis.ts";

// --- helpers

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Decodes bulk strings (Buffers) to text, recursively, leaving other shapes alone. */
function text(value: RespValue): unknown {
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (Array.isArray(value)) return value.map(text);
  return value;
}

function errorMessage(value: RespValue): string {
  expect(value).toBeInstanceOf(RespError);
  return (value as RespError).message;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: MemoryRedis;
let clock: ReturnType<typeof fakeClock>;
const call = (...args: RespArg[]) => redis.call(args);
const callText = async (...args: RespArg[]) => text(await redis.call(args));

beforeEach(() => {
  clock = fakeClock();
  redis = startMemoryRedis({ now: clock.now });
});

// --- @upstash/ratelimit's scripts, as the library ships them

const ratelimitDist = readFileSync(
  createRequire(import.meta.url)
    .resolve("@upstash/ratelimit")
    .replace(/index\.js$/, "index.mjs"),
  "utf8",
);

/** A script constant from the library's bundle, with the shebang the bridge would send. */
function ratelimitScript(name: string): string {
  const match = new RegExp(`var ${name} = \`([^\`]*)\`;`).exec(ratelimitDist);
  if (!match?.[1]) throw new Error(`script ${name} not found in @upstash/ratelimit`);
  return stripUnsupportedShebangFlags(match[1]);
}

// ---------------------------------------------------------------------------

describe("reply shapes (RESP2, as RespClient returns them)", () => {
  it("status replies are strings, bulk strings Buffers, integers numbers, nil null", async () => {
    expect(await call("PING")).toBe("PONG");
    expect(await call("SET", "k", "v")).toBe("OK");
    const bulk = await call("GET", "k");
    expect(Buffer.isBuffer(bulk)).toBe(true);
    expect(text(bulk)).toBe("v");
    expect(await call("GET", "missing")).toBeNull();
    expect(await call("INCR", "n")).toBe(1);
    expect(await callText("PING", "hello")).toBe("hello");
    expect(await call("TYPE", "k")).toBe("string");
    expect(await call("TYPE", "missing")).toBe("none");
  });

  it("error replies are RespError values with Redis's messages, never rejections", async () => {
    expect(errorMessage(await call("NOPE", "a"))).toBe(
      "ERR unknown command 'NOPE', with args beginning with: 'a' ",
    );
    expect(errorMessage(await call("GET"))).toBe("ERR wrong number of arguments for 'get' command");
    await call("HSET", "h", "f", "1");
    expect(errorMessage(await call("GET", "h"))).toBe(
      "WRONGTYPE Operation against a key holding the wrong kind of value",
    );
    expect((await call("GET", "h")) as RespError).toHaveProperty("code", "WRONGTYPE");
  });

  it("is binary safe and stores string arguments as UTF-8", async () => {
    const key = Buffer.from([0xff, 0x00, 0x80]);
    const value = Buffer.from([0xc3, 0x28, 0x0a, 0x00]);
    await call("SET", key, value);
    expect(await call("GET", key)).toEqual(value);
    await call("SET", "utf8", "héllo ✓");
    expect(await call("GET", "utf8")).toEqual(Buffer.from("héllo ✓", "utf8"));
    expect(await call("STRLEN", "utf8")).toBe(Buffer.byteLength("héllo ✓"));
    expect(await callText("KEYS", "*")).toHaveLength(2);
    expect(await call("SET", "num", 42)).toBe("OK");
    expect(await callText("GET", "num")).toBe("42");
  });
});

describe("strings and counters", () => {
  it("SET NX / XX / GET", async () => {
    expect(await call("SET", "k", "1", "NX")).toBe("OK");
    expect(await call("SET", "k", "2", "NX")).toBeNull();
    expect(await callText("GET", "k")).toBe("1");
    expect(await call("SET", "other", "x", "XX")).toBeNull();
    expect(await call("EXISTS", "other")).toBe(0);
    expect(await call("SET", "k", "3", "XX")).toBe("OK");
    expect(await callText("SET", "k", "4", "GET")).toBe("3");
    expect(await call("SET", "fresh", "1", "GET")).toBeNull();
    expect(await callText("SET", "k", "5", "NX", "GET")).toBe("4");
    expect(await callText("GET", "k")).toBe("4");
    expect(errorMessage(await call("SET", "k", "1", "NX", "XX"))).toBe("ERR syntax error");
    expect(errorMessage(await call("SET", "k", "1", "EX", "0"))).toBe(
      "ERR invalid expire time in 'set' command",
    );
    expect(errorMessage(await call("SET", "k", "1", "EX", "1.5"))).toBe(
      "ERR value is not an integer or out of range",
    );
  });

  it("INCR, INCRBY, DECR, DECRBY, MGET, DEL, EXISTS", async () => {
    expect(await call("INCR", "n")).toBe(1);
    expect(await call("INCRBY", "n", "41")).toBe(42);
    expect(await call("DECR", "n")).toBe(41);
    expect(await call("DECRBY", "n", 50)).toBe(-9);
    expect(await callText("GET", "n")).toBe("-9");
    expect(await call("INCRBY", "big", "9007199254740993")).toBe(9007199254740992); // JS number
    expect(await callText("GET", "big")).toBe("9007199254740993"); // exact in Redis
    await call("SET", "s", "abc");
    expect(errorMessage(await call("INCR", "s"))).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(errorMessage(await call("INCRBY", "n", "1.5"))).toBe(
      "ERR value is not an integer or out of range",
    );
    await call("SET", "max", "9223372036854775807");
    expect(errorMessage(await call("INCR", "max"))).toBe(
      "ERR increment or decrement would overflow",
    );
    expect(await callText("MGET", "n", "missing", "s")).toEqual(["-9", null, "abc"]);
    expect(await call("EXISTS", "n", "n", "missing")).toBe(2);
    expect(await call("DEL", "n", "missing", "s")).toBe(2);
    expect(await call("EXISTS", "n", "s")).toBe(0);
  });
});

describe("expiry (fake clock)", () => {
  it("SET EX / PX expire exactly at their deadline", async () => {
    await call("SET", "a", "1", "EX", 10);
    await call("SET", "b", "1", "PX", 1500);
    expect(await call("TTL", "a")).toBe(10);
    expect(await call("PTTL", "a")).toBe(10_000);
    expect(await call("PTTL", "b")).toBe(1500);
    clock.advance(1499);
    expect(await callText("GET", "b")).toBe("1");
    clock.advance(1);
    expect(await call("GET", "b")).toBeNull();
    expect(await call("EXISTS", "b")).toBe(0);
    expect(await call("TTL", "b")).toBe(-2);
    clock.advance(8499);
    expect(await call("TTL", "a")).toBe(0); // 1 ms left rounds to 0 s, as in Redis
    expect(await call("PTTL", "a")).toBe(1);
    clock.advance(1);
    expect(await call("DBSIZE")).toBe(0);
    expect(await callText("KEYS", "*")).toEqual([]);
  });

  it("EXPIRE / PEXPIRE / TTL / PTTL / PERSIST, with NX XX GT LT", async () => {
    await call("SET", "k", "v");
    expect(await call("TTL", "k")).toBe(-1);
    expect(await call("PTTL", "missing")).toBe(-2);
    expect(await call("EXPIRE", "missing", 10)).toBe(0);
    expect(await call("EXPIRE", "k", 10, "XX")).toBe(0);
    expect(await call("EXPIRE", "k", 10, "NX")).toBe(1);
    expect(await call("EXPIRE", "k", 20, "NX")).toBe(0);
    expect(await call("EXPIRE", "k", 5, "GT")).toBe(0);
    expect(await call("EXPIRE", "k", 20, "GT")).toBe(1);
    expect(await call("PEXPIRE", "k", 30_000, "LT")).toBe(0);
    expect(await call("PEXPIRE", "k", 2500, "LT")).toBe(1);
    expect(await call("PTTL", "k")).toBe(2500);
    expect(await call("TTL", "k")).toBe(3); // rounded like Redis
    expect(await call("PERSIST", "k")).toBe(1);
    expect(await call("TTL", "k")).toBe(-1);
    clock.advance(1_000_000);
    expect(await callText("GET", "k")).toBe("v");
    expect(errorMessage(await call("EXPIRE", "k", 10, "NX", "XX"))).toBe(
      "ERR NX and XX, GT or LT options at the same time are not compatible",
    );
    expect(await call("EXPIRE", "k", -1)).toBe(1); // a past deadline deletes
    expect(await call("EXISTS", "k")).toBe(0);
  });

  it("writes replace the TTL unless KEEPTTL; INCR and HSET keep it", async () => {
    await call("SET", "k", "1", "EX", 100);
    await call("INCR", "k");
    expect(await call("TTL", "k")).toBe(100);
    await call("SET", "k", "2", "KEEPTTL");
    expect(await call("TTL", "k")).toBe(100);
    await call("SET", "k", "3");
    expect(await call("TTL", "k")).toBe(-1);
    await call("HSET", "h", "a", "1");
    await call("PEXPIRE", "h", 100);
    await call("HSET", "h", "b", "2");
    expect(await call("PTTL", "h")).toBe(100);
    clock.advance(100);
    expect(await call("HGETALL", "h")).toEqual([]);
    // An expired key starts over as a new key.
    expect(await call("HINCRBY", "h", "a", 5)).toBe(5);
    expect(await call("TTL", "h")).toBe(-1);
  });

  it("uses the real clock by default", async () => {
    const real = startMemoryRedis();
    await real.call(["SET", "k", "v", "PX", "30"]);
    expect(text(await real.call(["GET", "k"]))).toBe("v");
    await sleep(60);
    expect(await real.call(["GET", "k"])).toBeNull();
  });
});

describe("hashes", () => {
  it("HSET HGET HMGET HGETALL HINCRBY HDEL", async () => {
    expect(await call("HSET", "h", "a", "1", "b", "2")).toBe(2);
    expect(await call("HSET", "h", "a", "10", "c", "3")).toBe(1);
    expect(await callText("HGET", "h", "a")).toBe("10");
    expect(await call("HGET", "h", "zz")).toBeNull();
    expect(await callText("HMGET", "h", "a", "zz", "c")).toEqual(["10", null, "3"]);
    expect(await callText("HMGET", "missing", "a")).toEqual([null]);
    expect(await callText("HGETALL", "h")).toEqual(["a", "10", "b", "2", "c", "3"]);
    expect(await call("HGETALL", "missing")).toEqual([]);
    expect(await call("HINCRBY", "h", "a", -15)).toBe(-5);
    expect(await call("HINCRBY", "h", "new", 7)).toBe(7);
    await call("HSET", "h", "s", "x");
    expect(errorMessage(await call("HINCRBY", "h", "s", 1))).toBe(
      "ERR hash value is not an integer",
    );
    expect(await call("HDEL", "h", "a", "zz")).toBe(1);
    expect(await call("HDEL", "h", "b", "c", "new", "s")).toBe(4);
    expect(await call("EXISTS", "h")).toBe(0); // empty hashes disappear
    expect(errorMessage(await call("HSET", "h", "odd"))).toBe(
      "ERR wrong number of arguments for 'hset' command",
    );
  });
});

describe("sorted sets", () => {
  it("ZADD ZREM ZCARD ZRANGE ZREMRANGEBYSCORE", async () => {
    expect(await call("ZADD", "z", 1, "a", 2, "b", 3, "c", "+inf", "top", "-inf", "bottom")).toBe(
      5,
    );
    expect(await call("ZADD", "z", 5, "a")).toBe(0);
    expect(await call("ZADD", "z", "CH", 6, "a", 4, "d")).toBe(2);
    expect(await call("ZADD", "z", "NX", 100, "a")).toBe(0);
    expect(await call("ZADD", "z", "XX", 1, "nobody")).toBe(0);
    expect(await callText("ZADD", "z", "INCR", "0.5", "a")).toBe("6.5");
    expect(await call("ZCARD", "z")).toBe(6);
    expect(await callText("ZRANGE", "z", 0, -1)).toEqual(["bottom", "b", "c", "d", "a", "top"]);
    expect(await callText("ZRANGE", "z", 0, 1, "WITHSCORES")).toEqual(["bottom", "-inf", "b", "2"]);
    expect(await callText("ZRANGE", "z", -2, -1, "REV")).toEqual(["b", "bottom"]);
    expect(await callText("ZRANGE", "z", "(2", "4", "BYSCORE")).toEqual(["c", "d"]);
    expect(await callText("ZRANGE", "z", "+inf", "(2", "BYSCORE", "REV", "LIMIT", 1, 2)).toEqual([
      "a",
      "d",
    ]);
    expect(await callText("ZRANGEBYSCORE", "z", 3, "+inf", "WITHSCORES")).toEqual([
      "c",
      "3",
      "d",
      "4",
      "a",
      "6.5",
      "top",
      "inf",
    ]);
    expect(await call("ZREMRANGEBYSCORE", "z", "-inf", "(3")).toBe(2);
    expect(await call("ZREM", "z", "c", "zz")).toBe(1);
    expect(await callText("ZRANGE", "z", 0, -1)).toEqual(["d", "a", "top"]);
    expect(await call("ZREM", "z", "d", "a", "top")).toBe(3);
    expect(await call("EXISTS", "z")).toBe(0);
    expect(errorMessage(await call("ZADD", "z", "x", "a"))).toBe("ERR value is not a valid float");
    expect(errorMessage(await call("ZRANGE", "z", "x", 2, "BYSCORE"))).toBe(
      "ERR min or max is not a float",
    );
  });
});

describe("sets and keyspace", () => {
  it("SADD SREM SISMEMBER SMISMEMBER SMEMBERS", async () => {
    expect(await call("SADD", "s", "a", "b", "a")).toBe(2);
    expect(await call("SISMEMBER", "s", "a")).toBe(1);
    expect(await call("SISMEMBER", "s", "x")).toBe(0);
    expect(await call("SMISMEMBER", "s", "x", "b")).toEqual([0, 1]);
    expect(((await callText("SMEMBERS", "s")) as string[]).sort()).toEqual(["a", "b"]);
    expect(await call("SREM", "s", "a", "x")).toBe(1);
    expect(await call("SREM", "s", "b")).toBe(1);
    expect(await call("EXISTS", "s")).toBe(0);
  });

  it("KEYS, SCAN MATCH, DBSIZE, FLUSHDB", async () => {
    for (const key of ["user:1", "user:2", "user:10", "session:1", "u[x]"])
      await call("SET", key, "1");
    expect(((await callText("KEYS", "user:?")) as string[]).sort()).toEqual(["user:1", "user:2"]);
    expect(((await callText("KEYS", "user:*")) as string[]).sort()).toEqual([
      "user:1",
      "user:10",
      "user:2",
    ]);
    expect(await callText("KEYS", "[st]ession:[0-9]")).toEqual(["session:1"]);
    expect(await callText("KEYS", "u\\[x]")).toEqual(["u[x]"]);
    const [cursor, keys] = (await callText("SCAN", 0, "MATCH", "user:1*", "COUNT", 1)) as [
      string,
      string[],
    ];
    expect(cursor).toBe("0");
    expect(keys.sort()).toEqual(["user:1", "user:10"]);
    expect(await call("DBSIZE")).toBe(5);
    expect(await call("FLUSHDB")).toBe("OK");
    expect(await call("DBSIZE")).toBe(0);
  });
});

describe("MULTI / EXEC", () => {
  it("queues commands and runs them in one go, errors per command", async () => {
    await call("SET", "s", "text");
    expect(await call("MULTI")).toBe("OK");
    expect(await call("INCR", "n")).toBe("QUEUED");
    expect(await call("INCR", "s")).toBe("QUEUED");
    expect(await call("INCR", "n")).toBe("QUEUED");
    expect(await call("GET", "n")).toBe("QUEUED");
    const replies = (await call("EXEC")) as RespValue[];
    expect(replies[0]).toBe(1);
    expect(errorMessage(replies[1] as RespValue)).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(replies[2]).toBe(2);
    expect(text(replies[3] as RespValue)).toBe("2");
  });

  it("aborts when a command cannot be queued; DISCARD and misuse errors", async () => {
    await call("MULTI");
    await call("SET", "a", "1");
    expect(errorMessage(await call("NOPE"))).toMatch(/^ERR unknown command 'NOPE'/);
    expect(errorMessage(await call("EXEC"))).toBe(
      "EXECABORT Transaction discarded because of previous errors.",
    );
    expect(await call("EXISTS", "a")).toBe(0);
    await call("MULTI");
    expect(errorMessage(await call("MULTI"))).toBe("ERR MULTI calls can not be nested");
    await call("SET", "a", "1");
    expect(await call("DISCARD")).toBe("OK");
    expect(await call("EXISTS", "a")).toBe(0);
    expect(errorMessage(await call("EXEC"))).toBe("ERR EXEC without MULTI");
    expect(errorMessage(await call("DISCARD"))).toBe("ERR DISCARD without MULTI");
  });

  it("keeps MULTI state per connection; close() drops it and the data stays", async () => {
    const a = redis.connect();
    const b = redis.connect();
    await a.call(["MULTI"]);
    expect(await a.call(["SET", "k", "from-a"])).toBe("QUEUED");
    expect(await b.call(["GET", "k"])).toBeNull(); // not queued into a's transaction
    expect(await b.call(["SET", "other", "1"])).toBe("OK");
    await a.call(["EXEC"]);
    expect(text(await b.call(["GET", "k"]))).toBe("from-a");
    await a.call(["MULTI"]);
    await a.close();
    expect(await a.call(["GET", "other"])).toEqual(Buffer.from("1"));
    expect(errorMessage(await a.call(["EXEC"]))).toBe("ERR EXEC without MULTI");
  });
});

describe("Lua scripting", () => {
  it("converts script results like Redis (numbers truncate, false is nil, tables stop at nil)", async () => {
    expect(
      await callText("EVAL", "return {1, 2.9, -2.9, 'x', false, {3, {4}}, true, nil, 5}", 0),
    ).toEqual([1, 2, -2, "x", null, [3, [4]], 1]);
    expect(await call("EVAL", "return", 0)).toBeNull();
    expect(await call("EVAL", "return redis.status_reply('FINE')", 0)).toBe("FINE");
    expect(errorMessage(await call("EVAL", "return redis.error_reply('MY error')", 0))).toBe(
      "MY error",
    );
    expect(
      await callText("EVAL", "return {KEYS[1], KEYS[2], ARGV[1], #ARGV}", 2, "k1", "k2", "a", "b"),
    ).toEqual(["k1", "k2", "a", 2]);
  });

  it("converts command replies for redis.call like Redis", async () => {
    await call("HSET", "h", "f", "v");
    const script = `
      local missing = redis.call('GET', 'missing')
      local status = redis.call('SET', 'k', '5')
      local n = redis.call('INCRBY', 'k', 2)
      return {type(missing), tostring(missing), status['ok'], n, n + 1, redis.call('HGETALL', 'h')}`;
    expect(await callText("EVAL", script, 0)).toEqual(["boolean", "false", "OK", 7, 8, ["f", "v"]]);
  });

  it("passes Lua numbers to commands as Redis does, beyond 32-bit integers too", async () => {
    await call(
      "EVAL",
      "redis.call('HSET', 'h', 'ts', 1700000000000, 'int', 3.0, 'frac', 1.5, 'neg', -7)",
      0,
    );
    expect(await callText("HGETALL", "h")).toEqual([
      "ts",
      "1700000000000",
      "int",
      "3",
      "frac",
      "1.5",
      "neg",
      "-7",
    ]);
    expect(await call("EVAL", "return redis.call('INCRBY', 'big', '5000000000') + 1", 0)).toBe(
      5_000_000_001,
    );
    expect(await call("EVAL", "return redis.call('SET', 'k', {})", 0).then(errorMessage)).toMatch(
      /^ERR Lua redis lib command arguments must be strings or integers script: /,
    );
  });

  it("reports errors like Redis 7 (code, script SHA, line)", async () => {
    await call("SET", "s", "text");
    const sha = text(await call("SCRIPT", "LOAD", "\n\nreturn redis.call('INCR', KEYS[1])"));
    expect(errorMessage(await call("EVALSHA", sha as string, 1, "s"))).toBe(
      `ERR value is not an integer or out of range script: ${sha}, on @user_script:3.`,
    );
    expect(await callText("EVAL", "return redis.pcall('INCR', KEYS[1])['err']", 1, "s")).toBe(
      "ERR value is not an integer or out of range",
    );
    expect(errorMessage(await call("EVAL", "return nil + 1", 0))).toMatch(
      /^ERR user_script:1: attempt to perform arithmetic on a nil value script: [0-9a-f]{40}, on @user_script:1\.$/,
    );
    expect(errorMessage(await call("EVAL", "leak = 1", 0))).toMatch(
      /^ERR user_script:1: Attempt to modify a readonly table script:/,
    );
    expect(errorMessage(await call("EVAL", "return undefinedGlobal", 0))).toMatch(
      /Script attempted to access nonexistent global variable 'undefinedGlobal'/,
    );
    expect(errorMessage(await call("EVAL", "return redis.call('EVAL', 'return 1', 0)", 0))).toMatch(
      /^ERR This Redis command is not allowed from script script:/,
    );
    expect(errorMessage(await call("EVAL", "return redis.call('NOPE')", 0))).toMatch(
      /^ERR Unknown Redis command called from script script:/,
    );
    expect(errorMessage(await call("EVAL", "return (", 0))).toMatch(
      /^ERR Error compiling script \(new function\): user_script:1: /,
    );
    expect(errorMessage(await call("EVAL", "return 1", 2, "only-one-key"))).toBe(
      "ERR Number of keys can't be greater than number of args",
    );
  });

  it("EVALSHA, SCRIPT LOAD / EXISTS / FLUSH", async () => {
    const sha = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"; // sha1("return 1")
    expect(errorMessage(await call("EVALSHA", sha, 0))).toBe(
      "NOSCRIPT No matching script. Please use EVAL.",
    );
    expect((await call("EVALSHA", sha, 0)) as RespError).toHaveProperty("code", "NOSCRIPT");
    expect(await callText("SCRIPT", "LOAD", "return 1")).toBe(sha);
    expect(await call("SCRIPT", "EXISTS", sha, sha.toUpperCase(), "0".repeat(40))).toEqual([
      1, 1, 0,
    ]);
    expect(await call("EVALSHA", sha.toUpperCase(), 0)).toBe(1);
    expect(await call("EVAL", "return 2", 0)).toBe(2);
    const evalSha = "7f923f79fe76194c868d7e1d0820de36700eb649"; // sha1("return 2"), cached by EVAL
    expect(await call("EVALSHA", evalSha, 0)).toBe(2);
    expect(await call("SCRIPT", "FLUSH")).toBe("OK");
    expect(await call("SCRIPT", "EXISTS", sha, evalSha)).toEqual([0, 0]);
    expect(errorMessage(await call("EVALSHA", evalSha, 0))).toMatch(/^NOSCRIPT/);
  });

  it("handles shebangs like Redis 7: flags checked, no-writes and EVAL_RO enforced", async () => {
    expect(errorMessage(await call("EVAL", "#!lua flags=allow-key-locking\nreturn 1", 0))).toBe(
      "ERR Unexpected flag in script shebang: allow-key-locking",
    );
    expect(await call("EVAL", "#!lua\nreturn 1", 0)).toBe(1);
    expect(errorMessage(await call("EVAL", "#!lua\n\nerror('x')", 0))).toMatch(
      /^ERR user_script:3: x script: [0-9a-f]{40}, on @user_script:3\.$/,
    );
    expect(
      errorMessage(
        await call("EVAL", "#!lua flags=no-writes\nreturn redis.call('SET', 'k', 'v')", 0),
      ),
    ).toMatch(/^ERR Write commands are not allowed from read-only scripts\./);
    expect(errorMessage(await call("EVAL_RO", "return redis.call('SET', 'k', 'v')", 0))).toMatch(
      /^ERR Write commands are not allowed from read-only scripts\./,
    );
    expect(await call("EXISTS", "k")).toBe(0);
    await call("SET", "k", "v");
    expect(await callText("EVAL_RO", "return redis.call('GET', 'k')", 0)).toBe("v");
  });

  it("runs a script atomically with the clock frozen at its start", async () => {
    let now = 1_000_000;
    const ticking = startMemoryRedis({
      now: () => {
        now += 1000; // every read of the clock moves it on by a second
        return now;
      },
    });
    const reply = await ticking.call([
      "EVAL",
      "redis.call('SET', 'k', 'v', 'PX', 500); redis.call('INCR', 'n'); return {redis.call('GET', 'k'), redis.call('PTTL', 'k')}",
      "0",
    ]);
    expect(text(reply)).toEqual(["v", 500]);
    expect(await ticking.call(["GET", "k"])).toBeNull();
  });

  it("kills a runaway script, even one that shields itself with pcall", async () => {
    const slow = startMemoryRedis({ scriptTimeoutMs: 100 });
    for (const script of [
      "while true do end",
      "while true do pcall(function() while true do end end) end",
    ]) {
      const started = Date.now();
      expect(errorMessage(await slow.call(["EVAL", script, "0"]))).toMatch(/Script killed/);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    expect(await slow.call(["EVAL", "return 1", "0"])).toBe(1);
  });
});

describe("@upstash/ratelimit's Lua scripts, called directly", () => {
  it("fixedWindow: counts, limits, and the key expires with the window", async () => {
    const sha = text(
      await call("SCRIPT", "LOAD", ratelimitScript("fixedWindowLimitScript")),
    ) as string;
    const limit = async () => (await call("EVALSHA", sha, 1, "fw", 3, 60_000, 1)) as number[];
    expect(await limit()).toEqual([1, 3]);
    expect(await call("PTTL", "fw")).toBe(60_000);
    expect(await limit()).toEqual([2, 3]);
    expect(await limit()).toEqual([3, 3]);
    expect(await limit()).toEqual([4, 3]); // used 4 > limit 3: the library rejects
    clock.advance(60_000);
    expect(await limit()).toEqual([1, 3]);
    // A dynamic limit stored under KEYS[2] overrides the default.
    await call("SET", "fw:dynamic", "10");
    expect(await call("EVALSHA", sha, 2, "fw", "fw:dynamic", 3, 60_000, 1)).toEqual([2, 10]);
  });

  it("slidingWindow: weighs the previous window and limits", async () => {
    const sha = text(
      await call("SCRIPT", "LOAD", ratelimitScript("slidingWindowLimitScript")),
    ) as string;
    const windowMs = 10_000;
    const start = 1_700_000_000_000; // a multiple of the window
    const limit = async (now: number) => {
      const bucket = Math.floor(now / windowMs);
      const reply = (await call(
        "EVAL",
        ratelimitScript("slidingWindowLimitScript"),
        2,
        `sw:${bucket}`,
        `sw:${bucket - 1}`,
        3,
        now,
        windowMs,
        1,
      )) as number[];
      return reply[0]; // remaining tokens, -1 when limited
    };
    expect(await call("SCRIPT", "EXISTS", sha)).toEqual([1]);
    expect([await limit(start), await limit(start + 1), await limit(start + 2)]).toEqual([2, 1, 0]);
    expect(await limit(start + 3)).toBe(-1);
    expect(await call("PTTL", `sw:${start / windowMs}`)).toBe(windowMs * 2 + 1000);
    // 25% into the next window, 75% of the previous 3 (floor: 2) still count.
    const next = start + windowMs + windowMs / 4;
    expect(await limit(next)).toBe(0);
    expect(await limit(next + 1)).toBe(-1);
    // 90% in: floor(0.1 * 3) = 0 from the previous window, 1 used in this one.
    expect(await limit(start + windowMs + 9_000)).toBe(1);
  });

  it("tokenBucket: consumes, refills per interval, with millisecond timestamps", async () => {
    const script = ratelimitScript("tokenBucketLimitScript");
    const interval = 10_000;
    const t0 = 1_700_000_000_000; // beyond 32 bits: Lua sees it as a float
    const limit = async (now: number) =>
      (await call("EVAL", script, 1, "tb", 3, interval, 1, now, 1)) as number[];
    expect(await limit(t0)).toEqual([2, t0 + interval, 3]);
    expect(await limit(t0 + 1)).toEqual([1, t0 + interval, 3]);
    expect(await limit(t0 + 2)).toEqual([0, t0 + interval, 3]);
    expect(await limit(t0 + 3)).toEqual([-1, t0 + interval, 3]);
    expect(await callText("HMGET", "tb", "refilledAt", "tokens")).toEqual([String(t0), "0"]);
    expect(await call("PTTL", "tb")).toBe(3 * interval);
    // One interval later one token is back.
    expect(await limit(t0 + interval)).toEqual([0, t0 + 2 * interval, 3]);
    expect(await limit(t0 + interval + 1)).toEqual([-1, t0 + 2 * interval, 3]);
    expect(await callText("HGET", "tb", "refilledAt")).toBe(String(t0 + interval));
  });
});

describe("@upstash/ratelimit through the Upstash bridge on the memory Redis", () => {
  const TOKEN = "memory-redis-test";
  let memory: MemoryRedis;
  let bridge: UpstashBridge;
  let client: Redis;
  const seen: string[][] = [];

  beforeAll(async () => {
    memory = startMemoryRedis();
    // Records what reaches the backend, to check the EVALSHA/EVAL dance.
    const recording: RedisBackend = {
      call(args) {
        seen.push(args.map(String));
        return memory.call(args);
      },
      close: () => memory.close(),
    };
    // As dev.ts does: the same backend for every connection the bridge opens.
    bridge = await startUpstashBridge({ token: TOKEN, redis: () => recording });
    client = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
  });

  afterAll(async () => {
    await bridge?.close();
  });

  const algorithms = {
    slidingWindow: Ratelimit.slidingWindow(3, "1 h"),
    fixedWindow: Ratelimit.fixedWindow(3, "1 h"),
    tokenBucket: Ratelimit.tokenBucket(1, "1 h", 3),
  };

  for (const [name, limiter] of Object.entries(algorithms)) {
    it(`${name}: 3 requests pass, the 4th is limited; reset and getRemaining work`, async () => {
      const ratelimit = new Ratelimit({
        redis: client,
        limiter,
        prefix: `rl:${name}`,
        ephemeralCache: false,
      });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 4; i++) outcomes.push((await ratelimit.limit("alice")).success);
      expect(outcomes).toEqual([true, true, true, false]);
      expect((await ratelimit.getRemaining("alice")).remaining).toBe(0);
      expect((await ratelimit.limit("bob")).success).toBe(true);
      await ratelimit.resetUsedTokens("alice"); // a SCAN + DEL script
      expect((await ratelimit.getRemaining("alice")).remaining).toBe(3);
      expect((await ratelimit.limit("alice")).success).toBe(true);
    });
  }

  it("falls back from EVALSHA to EVAL once, then uses the cached script", async () => {
    seen.length = 0;
    const ratelimit = new Ratelimit({
      redis: client,
      limiter: Ratelimit.fixedWindow(10, "1 h"),
      prefix: "rl:sha",
      ephemeralCache: false,
    });
    await memory.call(["SCRIPT", "FLUSH"]);
    await ratelimit.limit("x");
    await ratelimit.limit("x");
    const scriptCalls = seen
      .map((args) => args[0]?.toUpperCase())
      .filter((c) => c?.startsWith("EVAL"));
    expect(scriptCalls).toEqual(["EVALSHA", "EVAL", "EVALSHA"]);
    const evalArgs = seen.find((args) => args[0]?.toUpperCase() === "EVAL");
    expect(evalArgs?.[1]?.startsWith("#!lua\n")).toBe(true); // the bridge strips the flag only
  });

  it("limits exactly under concurrent requests", async () => {
    const ratelimit = new Ratelimit({
      redis: client,
      limiter: Ratelimit.slidingWindow(3, "1 h"),
      prefix: "rl:concurrent",
      ephemeralCache: false,
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => ratelimit.limit("crowd")));
    expect(results.filter((r) => r.success)).toHaveLength(3);
  });

  it("applies a dynamic limit stored in Redis", async () => {
    const ratelimit = new Ratelimit({
      redis: client,
      limiter: Ratelimit.fixedWindow(3, "1 h"),
      prefix: "rl:dynamic",
      ephemeralCache: false,
      dynamicLimits: true,
    });
    await ratelimit.setDynamicLimit({ limit: 1 });
    expect((await ratelimit.limit("d")).success).toBe(true);
    expect((await ratelimit.limit("d")).success).toBe(false);
  });

  it("runs the multi-region scripts (HSET / HGETALL)", async () => {
    for (const limiter of [
      MultiRegionRatelimit.fixedWindow(3, "1 h"),
      MultiRegionRatelimit.slidingWindow(3, "1 h"),
    ]) {
      const ratelimit = new MultiRegionRatelimit({
        redis: [client],
        limiter,
        prefix: `rl:multi:${Math.random()}`,
        ephemeralCache: false,
      });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        const result = await ratelimit.limit("m");
        await result.pending;
        outcomes.push(result.success);
      }
      expect(outcomes).toEqual([true, true, true, false]);
    }
  });

  it("opens a new window with the real clock (fixedWindow, 1 s)", async () => {
    const ratelimit = new Ratelimit({
      redis: client,
      limiter: Ratelimit.fixedWindow(2, "1 s"),
      prefix: "rl:realtime",
      ephemeralCache: false,
    });
    await sleep(1000 - (Date.now() % 1000) + 20); // start of a window
    const first = [];
    for (let i = 0; i < 3; i++) first.push((await ratelimit.limit("t")).success);
    expect(first).toEqual([true, true, false]);
    await sleep(1000 - (Date.now() % 1000) + 20); // the next window
    expect((await ratelimit.limit("t")).success).toBe(true);
  });
});

// A real redis-server answers the same commands the same way. Differences that
// are known and harmless are left out: Redis 7.0 prints doubles with %.17g
// (7.2 prints them shortest, as the memory Redis does), KEYS/SCAN order, and
// the wording of Lua compile errors.
describe.skipIf(!hasRedisServer())("same replies as a real redis-server", () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let real: RedisBackend;

  beforeAll(async () => {
    server = await startRedisServer();
    real = await connectRedis(server.url);
  });

  afterAll(async () => {
    await real?.close();
    await server?.stop();
  });

  it("for a script of commands covering every supported family", async () => {
    const memory = startMemoryRedis();
    const commands: RespArg[][] = [
      ["PING"],
      ["PING", "hi"],
      ["SET", "a", "1"],
      ["SET", "a", "2", "GET"],
      ["SET", "a", "3", "NX", "GET"],
      ["SET", "b", "3", "XX"],
      ["SET", "a", "1", "EX", "0"],
      ["SET", "a", "1", "EX"],
      ["SET", "a", "1", "FOO"],
      ["SET", "a", "1", "EX", "10", "PX", "5"],
      ["SET", "a", "1", "KEEPTTL", "EX", "10"],
      ["GET", "a", "b"],
      ["INCR", "a"],
      ["SET", "n", "10"],
      ["INCRBY", "n", "-20"],
      ["DECRBY", "n", "5"],
      ["INCRBY", "n", "01"],
      ["SET", "big", "9223372036854775807"],
      ["INCR", "big"],
      ["INCRBYFLOAT", "f", "1.5"],
      ["MGET", "a", "nope", "n"],
      ["MSET", "m1", "x", "m2", "y"],
      ["EXISTS", "a", "a", "nope"],
      ["DEL", "a", "nope"],
      ["EXPIRE", "n", "100"],
      ["TTL", "n"],
      ["EXPIRE", "n", "50", "GT"],
      ["EXPIRE", "n", "200", "GT"],
      ["EXPIRE", "n", "10", "NX"],
      ["EXPIRE", "n", "10", "GT", "LT"],
      ["EXPIRE", "n", "10", "FOO"],
      ["TTL", "m2"],
      ["TTL", "nope"],
      ["PTTL", "nope"],
      ["PEXPIRE", "m2", "100000", "XX"],
      ["PEXPIRE", "m2", "100000", "LT"],
      ["PERSIST", "m2"],
      ["EXPIRE", "m2", "-1"],
      ["EXISTS", "m2"],
      ["HSET", "h", "f", "1", "g", "2"],
      ["HSET", "h", "f"],
      ["HGET", "h", "f"],
      ["HGETALL", "h"],
      ["HMGET", "h", "f", "x", "g"],
      ["HINCRBY", "h", "f", "10"],
      ["HSET", "h", "s", "abc"],
      ["HINCRBY", "h", "s", "1"],
      ["HDEL", "h", "f", "nope"],
      ["HDEL", "h", "g", "s"],
      ["EXISTS", "h"],
      ["HMSET", "h2", "a", "1"],
      ["GET", "h2"],
      ["ZADD", "z", "1", "a", "2", "b", "3", "c", "inf", "d", "-inf", "e"],
      ["ZADD", "z", "1"],
      ["ZADD", "z", "x", "a"],
      ["ZADD", "z", "NX", "XX", "1", "a"],
      ["ZADD", "z", "GT", "LT", "1", "a"],
      ["ZADD", "z", "CH", "5", "a", "7", "q"],
      ["ZADD", "z", "GT", "CH", "1", "a", "9", "b"],
      ["ZADD", "z", "INCR", "1.5", "a"],
      ["ZADD", "z", "NX", "INCR", "1", "a"],
      ["ZCARD", "z"],
      ["ZSCORE", "z", "a"],
      ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
      ["ZRANGE", "z", "-2", "-1"],
      ["ZRANGE", "z", "(2", "+inf", "BYSCORE", "WITHSCORES"],
      ["ZRANGE", "z", "+inf", "(2", "BYSCORE", "REV"],
      ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"],
      ["ZRANGE", "z", "0", "-1", "LIMIT", "1", "2"],
      ["ZRANGEBYSCORE", "z", "2", "7", "WITHSCORES"],
      ["ZREMRANGEBYSCORE", "z", "(2", "7"],
      ["ZREM", "z", "e", "nope"],
      ["SADD", "s", "a", "b", "a"],
      ["SREM", "s", "a", "zz"],
      ["SISMEMBER", "s", "b"],
      ["SMISMEMBER", "s", "a", "b"],
      ["SMEMBERS", "s"],
      ["TYPE", "s"],
      ["TYPE", "z"],
      ["TYPE", "nope"],
      ["DBSIZE"],
      ["NOPE", "a"],
      ["MULTI"],
      ["SET", "t", "1"],
      ["INCR", "t"],
      ["HSET", "t", "a", "b"],
      ["EXEC"],
      ["EXEC"],
      ["MULTI"],
      ["INCR", "t"],
      ["NOPE"],
      ["EXEC"],
      ["GET", "t"],
      ["EVAL", "return {1, 2.7, -2.7, 'x', false, {3, {4}}, true, nil, 5}", 0],
      ["EVAL", "return type(redis.call('GET', 'nope'))", 0],
      ["EVAL", "return redis.call('SET', 'k', 'v')", 0],
      ["EVAL", "\n\nreturn redis.call('INCR', KEYS[1])", 1, "h2"],
      ["EVAL", "return redis.pcall('INCR', KEYS[1])", 1, "h2"],
      ["EVAL", "return nil + 1", 0],
      ["EVAL", "x = 1", 0],
      ["EVAL", "return y", 0],
      ["EVAL", "error('boom')", 0],
      ["EVAL", "error({err='MY custom'})", 0],
      ["EVAL", "return {err='raw'}", 0],
      ["EVAL", "return {ok='raw'}", 0],
      ["EVAL", "return 1", -1],
      ["EVAL", "return 1", 2, "a"],
      ["SCRIPT", "LOAD", "return 1"],
      ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "aa"],
      ["EVALSHA", "deadbeef", 0],
      ["SCRIPT", "FLUSH"],
      ["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", 0],
      ["SCRIPT", "BOGUS"],
      ["EVAL", "#!lua flags=allow-key-locking\nreturn 1", 0],
      ["EVAL", "#!lua flags=no-writes\nreturn redis.call('SET','x','y')", 0],
      ["EVAL", "#!lua\nreturn redis.call('SET','x',1.5)", 0],
      ["GET", "x"],
      ["EVAL", "#!python\nreturn 1", 0],
      ["EVAL_RO", "return redis.call('SET','x','y')", 0],
      ["EVAL", "return redis.call('HSET','hh','a',1700000000000,'b',3.0,'c',2^40)", 0],
      ["HGETALL", "hh"],
      ["EVAL", "return redis.call('SET', 'k', {})", 0],
      ["EVAL", "return redis.call()", 0],
      ["EVAL", "return redis.call('EVAL', 'return 1', 0)", 0],
      ["EVAL", "return redis.call('NOPE')", 0],
      ["EVAL", "return redis.sha1hex('abc')", 0],
      ["EVAL", "return redis.call('INCRBY','bigl','5000000000')", 0],
      ["EVAL", "return redis.call('TYPE', 'hh')['ok']", 0],
      ["EVAL", "return {1, {err='inner'}}", 0],
      ["EVAL", "return tonumber('1700000000123') % 60000", 0],
      ["FLUSHDB"],
      ["DBSIZE"],
      [Buffer.from("SET"), Buffer.from([0xff, 0x00]), Buffer.from([0xc3, 0x28])],
      ["GET", Buffer.from([0xff, 0x00])],
    ];
    const mismatches: string[] = [];
    for (const command of commands) {
      const [expected, actual] = await Promise.all([real.call(command), memory.call(command)]);
      const show = (v: RespValue) =>
        v instanceof RespError ? `error ${v.message}` : JSON.stringify(v);
      if (show(expected) !== show(actual)) {
        mismatches.push(
          `${command.map(String).join(" ")}\n  redis:  ${show(expected)}\n  memory: ${show(actual)}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  });
});
