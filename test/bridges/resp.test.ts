import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, parseRedisUrl, type RespClient, RespError } from "../../dev/bridges/resp.ts";
import { encodeCommand, RespParser } from "../../dev/bridges/resp-codec.ts";
import { startRedisServer, type RedisServer as TestRedisServer } from "../../dev/stack/redis.ts";

describe("RESP codec", () => {
  it("encodes commands as arrays of bulk strings, byte-exact for binary and unicode", () => {
    const frame = encodeCommand(["SET", "ключ", Buffer.from([0, 13, 10, 255]), 42]);
    const expected = Buffer.concat([
      Buffer.from("*4\r\n$3\r\nSET\r\n$8\r\nключ\r\n$4\r\n"),
      Buffer.from([0, 13, 10, 255]),
      Buffer.from("\r\n$2\r\n42\r\n"),
    ]);
    expect(frame.equals(expected)).toBe(true);
  });

  it("parses every RESP2 type, including nested arrays and nulls", () => {
    const parser = new RespParser();
    const wire =
      "+OK\r\n-WRONGTYPE bad\r\n:-12\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n*0\r\n*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n+x\r\n";
    const replies = parser.push(Buffer.from(wire));
    expect(replies).toHaveLength(8);
    expect(replies[0]).toBe("OK");
    expect(replies[1]).toBeInstanceOf(RespError);
    expect((replies[1] as RespError).code).toBe("WRONGTYPE");
    expect((replies[1] as RespError).message).toBe("WRONGTYPE bad");
    expect(replies[2]).toBe(-12);
    expect(replies[3]).toEqual(Buffer.from("he\r\no"));
    expect(replies[4]).toBeNull();
    expect(replies[5]).toBeNull();
    expect(replies[6]).toEqual([]);
    expect(replies[7]).toEqual([1, [Buffer.from("a"), null], "x"]);
  });

  it("waits for the rest of a reply split across chunks, byte by byte", () => {
    const parser = new RespParser();
    const wire = Buffer.from("*2\r\n$3\r\nfoo\r\n*1\r\n:7\r\n:8\r\n");
    const replies = [];
    for (const byte of wire) replies.push(...parser.push(Buffer.from([byte])));
    expect(replies).toEqual([[Buffer.from("foo"), [7]], 8]);
  });

  it("rejects garbage instead of guessing", () => {
    expect(() => new RespParser().push(Buffer.from("?what\r\n"))).toThrow(/unexpected RESP type/);
  });

  it("parses redis:// URLs with credentials and db", () => {
    expect(parseRedisUrl("redis://u%40x:p%3Aw@[::1]:6390/4")).toEqual({
      host: "::1",
      port: 6390,
      username: "u@x",
      password: "p:w",
      db: 4,
    });
    expect(parseRedisUrl("redis://localhost")).toMatchObject({
      host: "localhost",
      port: 6379,
      db: undefined,
    });
    expect(() => parseRedisUrl("rediss://localhost")).toThrow(/scheme/);
  });
});

describe("RespClient against redis-server", () => {
  let server: TestRedisServer;
  let client: RespClient;

  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectRedis(server.url);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it("keeps replies in order when many commands are pipelined", async () => {
    const replies = await Promise.all(
      Array.from({ length: 300 }, () => client.call(["INCR", "counter"])),
    );
    expect(replies).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it("round-trips arbitrary bytes", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(await client.call(["SET", Buffer.from([0xff, 0x00]), bytes])).toBe("OK");
    const got = await client.call(["GET", Buffer.from([0xff, 0x00])]);
    expect(Buffer.isBuffer(got) && got.equals(bytes)).toBe(true);
  });

  it("returns nil as null, errors as RespError values, and nested arrays", async () => {
    expect(await client.call(["GET", "missing"])).toBeNull();
    await client.call(["SET", "text", "abc"]);
    const error = await client.call(["INCR", "text"]);
    expect(error).toBeInstanceOf(RespError);
    expect((error as RespError).message).toMatch(/not an integer/);
    const nested = await client.call(["EVAL", "return {1, {'two', {3}}, false}", 0]);
    expect(nested).toEqual([1, [Buffer.from("two"), [3]], null]);
  });

  it("rejects commands in flight when the connection drops, then reconnects", async () => {
    const id = await client.call(["CLIENT", "ID"]);
    // Settle into a value right away so the rejection is never "unhandled".
    const blocked = client.call(["BLPOP", "never", 0]).then(
      (reply) => reply,
      (error: Error) => error,
    );
    const killer = await connectRedis(server.url);
    try {
      expect(await killer.call(["CLIENT", "KILL", "ID", id as number])).toBe(1);
    } finally {
      await killer.close();
    }
    const outcome = await blocked;
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/connection lost/);
    expect(await client.call(["PING"])).toBe("PONG");
    expect(await client.call(["CLIENT", "ID"])).not.toBe(id);
  });

  it("authenticates and selects the database from the URL", async () => {
    await client.call(["ACL", "SETUSER", "bridge", "on", ">s3cret", "~*", "&*", "+@all"]);
    const other = await connectRedis(`redis://bridge:s3cret@127.0.0.1:${server.port}/3`);
    try {
      expect(await other.call(["ACL", "WHOAMI"])).toEqual(Buffer.from("bridge"));
      await other.call(["SET", "in-db-3", "yes"]);
      expect(await client.call(["EXISTS", "in-db-3"])).toBe(0);
      expect(await other.call(["EXISTS", "in-db-3"])).toBe(1);
    } finally {
      await other.close();
    }
    await expect(connectRedis(`redis://bridge:wrong@127.0.0.1:${server.port}`)).rejects.toThrow(
      /handshake failed/,
    );
  });

  it("fails fast when nothing listens and refuses calls after close", async () => {
    await expect(connectRedis("redis://127.0.0.1:1")).rejects.toThrow(/ECONNREFUSED/);
    const closing = await connectRedis(server.url);
    await closing.close();
    await expect(closing.call(["PING"])).rejects.toThrow(/closed/);
  });
});
