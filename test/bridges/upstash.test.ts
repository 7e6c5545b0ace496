import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, type RespClient } from "../../dev/bridges/resp.ts";
import { startUpstashBridge, type UpstashBridge } from "../../dev/bridges/upstash.ts";
import { startRedisServer, type RedisServer as TestRedisServer } from "../../dev/stack/redis.ts";

const TOKEN = "local-test-token";
let server: TestRedisServer;
let bridge: UpstashBridge;
let direct: RespClient;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  bridge = await startUpstashBridge({
    port: 0,
    token: TOKEN,
    redis: () => connectRedis(server.url),
  });
  direct = await connectRedis(server.url);
  redis = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
});

afterAll(async () => {
  await bridge?.close();
  await direct?.close();
  await server?.stop();
});

/** Raw REST call, to check the wire format the client depends on. */
async function rest(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${bridge.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("Upstash REST bridge with the real @upstash/redis client", () => {
  it("sets and gets strings and JSON values", async () => {
    expect(await redis.set("greeting", "hello")).toBe("OK");
    expect(await redis.get("greeting")).toBe("hello");
    await redis.set("session", { userId: 7, roles: ["admin"], active: true });
    expect(await redis.get("session")).toEqual({ userId: 7, roles: ["admin"], active: true });
    // The client serialised the object to JSON text; Redis holds exactly that.
    expect((await direct.call(["GET", "session"]))?.toString()).toBe(
      '{"userId":7,"roles":["admin"],"active":true}',
    );
  });

  it("increments and expires", async () => {
    expect(await redis.incr("hits")).toBe(1);
    expect(await redis.incrby("hits", 41)).toBe(42);
    await redis.set("temp", "x", { ex: 100 });
    const ttl = await redis.ttl("temp");
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.expire("hits", 5)).toBe(1);
    expect(await direct.call(["TTL", "hits"])).toBeGreaterThan(0);
    expect(await redis.ttl("no-such-key")).toBe(-2);
  });

  it("handles hashes", async () => {
    expect(await redis.hset("user:1", { name: "Ada", visits: 3, prefs: { dark: true } })).toBe(3);
    expect(await redis.hgetall("user:1")).toEqual({
      name: "Ada",
      visits: 3,
      prefs: { dark: true },
    });
    expect(await redis.hget("user:1", "missing")).toBeNull();
  });

  it("returns nil replies as null, also inside arrays", async () => {
    expect(await redis.get("absent")).toBeNull();
    await redis.set("present", "here");
    expect(await redis.mget("present", "absent")).toEqual(["here", null]);
  });

  it("round-trips unicode, control characters and strings that look like other things", async () => {
    const samples = [
      "üñí©ødé ✓ 🎉",
      "line1\nline2\r\n\ttab",
      "nul\u0000byte",
      "OK",
      "T0s=",
      "",
      "  spaced  ",
    ];
    for (const [i, value] of samples.entries()) await redis.set(`s:${i}`, value);
    for (const [i, value] of samples.entries()) expect(await redis.get(`s:${i}`)).toBe(value);
    // Inside arrays every string is base64-decoded by the client, even "OK".
    await redis.rpush("list", "OK", "üñí", "PONG");
    expect(await redis.lrange("list", 0, -1)).toEqual(["OK", "üñí", "PONG"]);
    // A status reply ("+OK") nested in an array, too.
    expect(
      await redis.eval("return {redis.call('SET', KEYS[1], 'v'), 'x'}", ["lua:set"], []),
    ).toEqual(["OK", "x"]);
  });

  it("runs explicit pipelines", async () => {
    const results = await redis
      .pipeline()
      .set("p:a", "1")
      .incr("p:n")
      .incr("p:n")
      .get("p:a")
      .exec();
    expect(results).toEqual(["OK", 1, 2, 1]);
  });

  it("runs multi() as a real MULTI/EXEC transaction", async () => {
    await direct.call(["CONFIG", "RESETSTAT"]);
    const results = await redis.multi().set("m:a", "x").incr("m:n").get("m:a").exec();
    expect(results).toEqual(["OK", 1, "x"]);
    const stats = (await direct.call(["INFO", "commandstats"]))?.toString() ?? "";
    expect(stats).toMatch(/cmdstat_multi:calls=1,/);
    expect(stats).toMatch(/cmdstat_exec:calls=1,/);
  });

  it("reports a failing command inside a transaction while the others apply", async () => {
    await redis.set("m:text", "not a number");
    await expect(redis.multi().set("m:b", "applied").incr("m:text").exec()).rejects.toThrow(
      /Command 2 \[ incr \] failed: ERR value is not an integer/,
    );
    expect(await redis.get("m:b")).toBe("applied");
  });

  it("discards a whole transaction when a command is rejected while queueing", async () => {
    const reply = await rest("/multi-exec", [["SET", "m:never", "1"], ["INCR"]]);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: expect.stringMatching(/^EXECABORT .*wrong number of arguments/),
    });
    expect(await direct.call(["EXISTS", "m:never"])).toBe(0);
  });

  it("surfaces error replies as errors, auto-pipelined or not", async () => {
    await redis.set("word", "abc");
    await expect(redis.incr("word")).rejects.toThrow(/ERR value is not an integer/);
    const unpipelined = new Redis({
      url: bridge.url,
      token: TOKEN,
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
    await expect(unpipelined.incr("word")).rejects.toThrow(/ERR value is not an integer/);
    await expect(unpipelined.hget("word", "f")).rejects.toThrow(/WRONGTYPE/);
  });

  it("works without base64 response encoding", async () => {
    const plain = new Redis({
      url: bridge.url,
      token: TOKEN,
      enableTelemetry: false,
      responseEncoding: false,
    });
    await plain.set("plain", "héllo");
    expect(await plain.get("plain")).toBe("héllo");
    expect(await plain.lrange("list", 0, -1)).toEqual(["OK", "üñí", "PONG"]);
  });

  it("rejects a wrong or missing token with 401 JSON", async () => {
    const intruder = new Redis({
      url: bridge.url,
      token: "wrong",
      enableTelemetry: false,
      retry: false,
    });
    await expect(intruder.get("greeting")).rejects.toThrow(/Unauthorized/);
    const res = await fetch(bridge.url, { method: "POST", body: '["GET","greeting"]' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Unauthorized" });
  });

  it("speaks the documented wire format", async () => {
    expect(await rest("/", ["SET", "wire", 12.5])).toEqual({ status: 200, body: { result: "OK" } });
    expect(await rest("/", ["GET", "wire"])).toEqual({ status: 200, body: { result: "12.5" } });
    expect(await rest("/", ["GET", "wire"], { "Upstash-Encoding": "base64" })).toEqual({
      status: 200,
      body: { result: Buffer.from("12.5").toString("base64") },
    });
    expect(await rest("/", ["STRLEN", "wire"], { "Upstash-Encoding": "base64" })).toEqual({
      status: 200,
      body: { result: 4 },
    });
    expect(
      await rest("/pipeline", [["INCR", "wire"], ["PING"], ["GET", "nothing"]], {
        "Upstash-Encoding": "base64",
      }),
    ).toEqual({
      status: 200,
      body: [
        { error: "ERR value is not an integer or out of range" },
        { result: "UE9ORw==" },
        { result: null },
      ],
    });
    expect(await rest("/", ["MULTI"])).toEqual({
      status: 400,
      body: { error: "ERR MULTI is not supported by the Upstash REST bridge" },
    });
    expect((await rest("/", "not a command")).status).toBe(400);
  });

  it("runs blocking commands on their own connection so others are not stuck behind them", async () => {
    const started = Date.now();
    const popped = redis.exec(["BLPOP", "jobs", "3"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await redis.lpush("jobs", "job-1");
    expect(await popped).toEqual(["jobs", "job-1"]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
