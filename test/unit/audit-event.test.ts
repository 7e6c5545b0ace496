// Audit keys, sharding and event normalization (src/features/audit/keys.ts, shard.ts, event.ts).
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/features/audit/chain";
import { type AuditEventInput, LIMITS, toEventFields } from "../../src/features/audit/event";
import { chainIdOf, shardChains, shardOf } from "../../src/features/audit/shard";
import { parseKeyList } from "../../src/key-list";

const b64 = (n: number, fill = 7) => Buffer.alloc(n, fill).toString("base64");

describe("parseKeyList (AUDIT_HMAC_KEYS, PASSWORD_PEPPER)", () => {
  it("reads id:base64key pairs, the first one first", () => {
    const keys = parseKeyList(`new:${b64(32, 1)}, old:${b64(48, 2)}`);
    expect(keys?.map((k) => k.id)).toEqual(["new", "old"]);
    expect(keys?.[1]?.key).toEqual(new Uint8Array(48).fill(2));
  });

  it.each([
    ["unset", undefined],
    ["empty", " "],
    ["a key under 32 bytes", `k1:${b64(31)}`],
    ["a duplicate id", `k1:${b64(32)},k1:${b64(32, 3)}`],
    ["no id", b64(32)],
    ["bad base64", "k1:@@@@"],
    ["a trailing comma", `k1:${b64(32)},`],
  ])("rejects %s", (_name, raw) => {
    expect(parseKeyList(raw)).toBeNull();
  });
});

describe("shardOf", () => {
  it("is stable and spreads users over every shard", () => {
    expect(shardOf("7f1e8a4c-0000-4000-8000-000000000001", 8)).toBe(
      shardOf("7f1e8a4c-0000-4000-8000-000000000001", 8),
    );
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 4000; i++) counts[shardOf(crypto.randomUUID(), 8)]++;
    for (const c of counts) expect(c).toBeGreaterThan(350); // 500 expected per shard
  });

  it("names chains shard-0 … shard-N-1", () => {
    expect(shardChains(3)).toEqual(["shard-0", "shard-1", "shard-2"]);
    expect(chainIdOf(5, "t-")).toBe("t-5");
  });
});

describe("toEventFields", () => {
  const input = (over: Partial<AuditEventInput> = {}): AuditEventInput => ({
    id: "e1",
    type: "login_failed",
    userId: null,
    details: { reason: "invalid_credentials" },
    requestId: "r1",
    ip: "203.0.113.7",
    userAgent: "curl/8",
    at: 1_800_000_000_000,
    ...over,
  });

  it("keeps an ordinary event as it is", () => {
    expect(toEventFields(input())).toEqual({
      at: 1_800_000_000_000,
      id: "e1",
      type: "login_failed",
      user_id: null,
      request_id: "r1",
      ip: "203.0.113.7",
      user_agent: "curl/8",
      details: { reason: "invalid_credentials" },
    });
  });

  // Postgres text/jsonb reject NUL; a lone surrogate has no UTF-8 form. Either
  // would make the stored row differ from the MAC'd one, or never store at all.
  it("makes every string storable and exactly encodable", () => {
    const fields = toEventFields(
      input({ userAgent: "a\u0000b\ud800", details: { "k\u0000": "x\udc00y" } }),
    );
    expect(fields.user_agent).toBe("a\ufffdb\ufffd");
    expect(fields.details).toEqual({ "k\ufffd": "x\ufffdy" });
    expect(() => canonicalJson(fields)).not.toThrow();
  });

  it("bounds sizes and never lets a non-finite number through", () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    const fields = toEventFields(
      input({
        userAgent: "u".repeat(2000),
        details: { ...many, inf: Number.POSITIVE_INFINITY } as AuditEventInput["details"],
      }),
    );
    expect(fields.user_agent).toHaveLength(LIMITS.userAgent);
    expect(Object.keys(fields.details as object)).toHaveLength(LIMITS.detailKeys);
    const nan = toEventFields(input({ details: { n: Number.NaN } }));
    expect(nan.details).toEqual({ n: null });
  });

  it("rejects what cannot be an event", () => {
    expect(() => toEventFields(input({ type: "Login Failed" as never }))).toThrow();
    expect(() => toEventFields(input({ at: 1.5 }))).toThrow();
    expect(() => toEventFields(input({ id: "" }))).toThrow();
  });
});
