// The audit chain's pure core (src/features/audit/chain.ts) with a frozen clock: the
// canonical encoding and MAC against an independent implementation, and every
// kind of tampering the verifier must name.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type AuditCheckpoint,
  type AuditKey,
  type AuditRecord,
  type AuditRow,
  canonicalJson,
  computeMac,
  GENESIS_MAC,
  pagesBySeq,
  verifyChain,
  verifySource,
} from "../../src/features/audit/chain";

const NOW = 1_800_000_000_000;
const K1: AuditKey = { id: "k1", key: new Uint8Array(32).fill(1) };
const K2: AuditKey = { id: "k2", key: new Uint8Array(32).fill(2) };

/** A valid chain of `n` rows, signed with `keyFor(seq)`. */
function chain(n: number, id = "shard-0", keyFor: (seq: number) => AuditKey = () => K1) {
  const rows: AuditRow[] = [];
  let prev = GENESIS_MAC;
  for (let seq = 1; seq <= n; seq++) {
    const key = keyFor(seq);
    const record: AuditRecord = {
      v: 1,
      chain: id,
      seq,
      at: NOW + seq * 1000,
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
      type: seq % 2 ? "login_succeeded" : "login_failed",
      user_id: "7f1e8a4c-0000-4000-8000-000000000001",
      request_id: `req-${seq}`,
      ip: "203.0.113.7",
      user_agent: "Mozilla/5.0",
      details: seq % 2 ? { method: "password" } : { reason: "invalid_credentials" },
      key_id: key.id,
    };
    const mac = computeMac(key.key, prev, record);
    rows.push({ ...record, prev_mac: prev, mac });
    prev = mac;
  }
  return rows;
}

const at = (rows: AuditRow[], seq: number) => rows.find((r) => r.seq === seq) as AuditRow;
const head = (rows: AuditRow[]): AuditCheckpoint => {
  const last = rows.at(-1) as AuditRow;
  return { chain: last.chain, seq: last.seq, mac: last.mac };
};

describe("canonical encoding", () => {
  it("is RFC 8785: sorted keys by UTF-16 code units, no whitespace, ES numbers and strings", () => {
    expect(
      canonicalJson({
        b: 1,
        a: [true, null, "x"],
        "\u00e9": 1e21,
        A: 0.1,
        "": -0,
        z: "\u2028\n\u0007",
      }),
    ).toBe('{"":0,"A":0.1,"a":[true,null,"x"],"b":1,"z":"\u2028\\n\\u0007","\u00e9":1e+21}');
  });

  it("refuses what JSON cannot carry instead of dropping it", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson({ a: undefined })).toThrow();
    expect(() => canonicalJson({ a: 1n })).toThrow();
  });

  // Regression guard for the documented format (docs/audit.md): an auditor's
  // implementation built from the spec must produce exactly these bytes and MAC.
  it("matches an independent HMAC over the documented byte layout", () => {
    const [row] = chain(1);
    const r = row as AuditRow;
    const canonical =
      '{"at":1800000001000,"chain":"shard-0","details":{"method":"password"},' +
      '"id":"00000000-0000-4000-8000-000000000001","ip":"203.0.113.7","key_id":"k1",' +
      '"request_id":"req-1","seq":1,"type":"login_succeeded","user_agent":"Mozilla/5.0",' +
      '"user_id":"7f1e8a4c-0000-4000-8000-000000000001","v":1}';
    const expected = createHmac("sha256", Buffer.from(K1.key))
      .update(Buffer.alloc(32))
      .update(canonical, "utf8")
      .digest("hex");
    expect(r.prev_mac).toBe(GENESIS_MAC);
    expect(r.mac).toBe(expected);
    // The test vector published in docs/audit.md.
    expect(r.mac).toBe("e6a775a3618d900a0c60e49f36f145448a7bc1e7a6833c74d6fcea618641aec6");
  });

  it("ignores row-only fields (prev_mac, mac, anything extra) when computing the MAC", () => {
    const r = chain(1)[0] as AuditRow;
    const withExtra = { ...r, kind: "event", mac: "f".repeat(64) };
    expect(computeMac(K1.key, GENESIS_MAC, withExtra)).toBe(r.mac);
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain, with its checkpoint, in any input order", () => {
    const rows = chain(6);
    expect(verifyChain(rows.slice().reverse(), [head(rows)], [K1])).toEqual({
      ok: true,
      chains: 1,
      events: 6,
    });
  });

  it("follows a key rotation: each row verifies under the key it names", () => {
    const rows = chain(6, "shard-0", (seq) => (seq <= 3 ? K1 : K2));
    expect(verifyChain(rows, [], [K2, K1])).toMatchObject({ ok: true, events: 6 });
    expect(verifyChain(rows, [], [K2])).toMatchObject({
      ok: false,
      sequence: 1,
      reason: "unknown_key",
    });
  });

  it("detects a deleted middle row as a gap", () => {
    const rows = chain(6).filter((r) => r.seq !== 3);
    expect(verifyChain(rows, [], [K1])).toMatchObject({
      ok: false,
      chain: "shard-0",
      sequence: 3,
      reason: "gap",
    });
  });

  it("detects a deleted first row as a gap at 1", () => {
    expect(verifyChain(chain(3).slice(1), [], [K1])).toMatchObject({ sequence: 1, reason: "gap" });
  });

  it.each([
    ["details", { details: { method: "passkey" } }],
    ["user_id", { user_id: "someone-else" }],
    ["at", { at: NOW }],
    ["type", { type: "logout" }],
    ["ip", { ip: null }],
    ["mac", { mac: "0".repeat(64) }],
    ["key_id swapped to another valid key", { key_id: "k2" }],
  ])("detects a modified %s as mac_mismatch", (_name, change) => {
    const rows = chain(5).map((r) => (r.seq === 4 ? { ...r, ...change } : r));
    expect(verifyChain(rows, [], [K1, K2])).toMatchObject({ sequence: 4, reason: "mac_mismatch" });
  });

  it("detects swapped sequence numbers as reordered", () => {
    const rows = chain(6).map((r) =>
      r.seq === 2 ? { ...r, seq: 4 } : r.seq === 4 ? { ...r, seq: 2 } : r,
    );
    expect(verifyChain(rows, [], [K1])).toMatchObject({ sequence: 2, reason: "reordered" });
  });

  it("detects adjacent swapped rows as reordered", () => {
    const rows = chain(4).map((r) =>
      r.seq === 2 ? { ...r, seq: 3 } : r.seq === 3 ? { ...r, seq: 2 } : r,
    );
    expect(verifyChain(rows, [], [K1])).toMatchObject({ sequence: 2, reason: "reordered" });
  });

  it("detects a forged row appended at the tail (no key) as mac_mismatch", () => {
    const rows = chain(4);
    const last = at(rows, 4);
    const forged: AuditRow = {
      ...last,
      seq: 5,
      type: "logout",
      prev_mac: last.mac,
      mac: computeMac(new Uint8Array(32).fill(9), last.mac, { ...last, seq: 5, type: "logout" }),
    };
    expect(verifyChain([...rows, forged], [], [K1])).toMatchObject({
      sequence: 5,
      reason: "mac_mismatch",
    });
  });

  it("detects a forged row inserted in the middle (later rows renumbered)", () => {
    const rows = chain(5);
    const forged: AuditRow = { ...at(rows, 3), prev_mac: at(rows, 2).mac, mac: "ab".repeat(32) };
    const tampered = [
      ...rows.filter((r) => r.seq < 3),
      forged,
      ...rows.filter((r) => r.seq >= 3).map((r) => ({ ...r, seq: r.seq + 1 })),
    ];
    expect(verifyChain(tampered, [], [K1])).toMatchObject({ sequence: 3, reason: "mac_mismatch" });
  });

  it("detects a prev_mac that links nowhere as prev_mac_mismatch", () => {
    const rows = chain(4).map((r) => (r.seq === 3 ? { ...r, prev_mac: "cd".repeat(32) } : r));
    expect(verifyChain(rows, [], [K1])).toMatchObject({ sequence: 3, reason: "prev_mac_mismatch" });
  });

  it("detects a duplicate sequence number", () => {
    const rows = chain(4);
    expect(verifyChain([...rows, { ...at(rows, 2) }], [], [K1])).toMatchObject({
      sequence: 2,
      reason: "duplicate",
    });
  });

  it("detects a truncated tail through a checkpoint beyond the last row", () => {
    const rows = chain(6);
    const cp = head(rows);
    expect(verifyChain(rows.slice(0, 4), [cp], [K1])).toMatchObject({
      sequence: 5,
      reason: "truncated",
    });
    // Without the checkpoint the shortened chain is, by itself, consistent.
    expect(verifyChain(rows.slice(0, 4), [], [K1])).toMatchObject({ ok: true });
  });

  it("detects a chain emptied entirely when a checkpoint remembers it", () => {
    const cp = head(chain(3));
    expect(verifyChain([], [cp], [K1])).toMatchObject({
      chain: "shard-0",
      sequence: 1,
      reason: "truncated",
    });
  });

  it("detects a checkpoint whose MAC differs from the row at its seq as truncated (rewritten)", () => {
    const rows = chain(5);
    const cp = { ...head(rows), seq: 3, mac: "ef".repeat(32) };
    expect(verifyChain(rows, [cp], [K1])).toMatchObject({ sequence: 3, reason: "truncated" });
  });

  it("reports the first broken chain in chain-id order", () => {
    const a = chain(3, "shard-1").filter((r) => r.seq !== 2);
    const b = chain(3, "shard-0").map((r) => (r.seq === 3 ? { ...r, ip: "x" } : r));
    expect(verifyChain([...a, ...b], [], [K1])).toMatchObject({
      chain: "shard-0",
      sequence: 3,
      reason: "mac_mismatch",
    });
  });
});

// A head's displacement report (a planted row holds a seq whose genuine event
// the head keeps pending): the stored rows alone can look intact.
describe("ChainVerifier with a displacement report", () => {
  const run = (rows: AuditRow[], seq: number, chain = "shard-0") =>
    verifySource(
      {
        chainIds: async () => ["shard-0"],
        checkpoints: async () => [],
        rows: async (_c, after, limit) => rows.filter((r) => r.seq > after).slice(0, limit),
        displaced: async () => ({ chain, seq }),
      },
      [K1],
    );

  it("fails an otherwise intact chain at the displaced seq", async () => {
    expect(await run(chain(4), 5)).toEqual({
      ok: false,
      chain: "shard-0",
      sequence: 5,
      reason: "displaced",
      detail: expect.any(String),
    });
  });

  it("names the cause where the planted row's own symptom is at the same seq", async () => {
    const rows = chain(5).map((r) => (r.seq === 5 ? { ...r, mac: "ab".repeat(32) } : r));
    expect(await run(rows, 5)).toMatchObject({ sequence: 5, reason: "displaced" });
  });

  it("still reports an earlier break first", async () => {
    const rows = chain(6).filter((r) => r.seq !== 2);
    expect(await run(rows, 5)).toMatchObject({ sequence: 2, reason: "gap" });
  });

  it("ignores a report about another chain", async () => {
    expect(await run(chain(3), 2, "shard-1")).toEqual({ ok: true, chains: 1, events: 3 });
  });
});

describe("verifySource", () => {
  it("pages through a long chain and gives the same answers as verifyChain", async () => {
    const rows = chain(25);
    const source = (list: AuditRow[], cps: AuditCheckpoint[] = []) => ({
      chainIds: async () => ["shard-0"],
      checkpoints: async () => cps,
      rows: async (_c: string, after: number, limit: number) =>
        list.filter((r) => r.seq > after).slice(0, limit),
    });
    expect(await verifySource(source(rows), [K1], 4)).toEqual({ ok: true, chains: 1, events: 25 });
    const swapped = rows.map((r) =>
      r.seq === 3 ? { ...r, seq: 21 } : r.seq === 21 ? { ...r, seq: 3 } : r,
    );
    swapped.sort((x, y) => x.seq - y.seq);
    expect(await verifySource(source(swapped), [K1], 4)).toMatchObject({
      sequence: 3,
      reason: "reordered",
    });
    expect(await verifySource(source(rows.slice(0, 20), [head(rows)]), [K1], 4)).toMatchObject({
      sequence: 21,
      reason: "truncated",
    });
  });
});

describe("pagesBySeq", () => {
  const items = (n: number) => Array.from({ length: n }, (_, i) => ({ seq: i + 1 }));
  async function read(n: number, size: number) {
    const calls: number[] = [];
    const pages: number[][] = [];
    const all = items(n);
    const reader = async (after: number, k: number) => {
      calls.push(after);
      return all.filter((x) => x.seq > after).slice(0, k);
    };
    for await (const page of pagesBySeq(reader, size)) pages.push(page.map((x) => x.seq));
    return { calls, pages };
  }

  it("reads every item once, in order, stopping at the first short page", async () => {
    expect(await read(5, 2)).toEqual({ calls: [0, 2, 4], pages: [[1, 2], [3, 4], [5]] });
    // An exact multiple ends on an empty page, which is not yielded.
    expect(await read(4, 2)).toEqual({
      calls: [0, 2, 4],
      pages: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(await read(0, 2)).toEqual({ calls: [0], pages: [] });
  });
});
