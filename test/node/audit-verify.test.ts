// `npm run audit:verify` as an operator or auditor runs it: a real Node
// process against a real PostgreSQL database (migrated like production), and
// offline against an export file. It sees only the database, so this is where
// the stored checkpoints alone must catch a truncated tail.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFreshDatabase, findOrStartPostgres } from "../../dev/stack/postgres.ts";
import { applyMigrations } from "../../scripts/migrate.ts";
import { type AuditRow, computeMac, GENESIS_MAC } from "../../src/features/audit/chain.ts";

const script = fileURLToPath(new URL("../../scripts/audit-verify.ts", import.meta.url));
const KEY = Buffer.alloc(32, 5);
const KEYS = `k1:${KEY.toString("base64")}`;

function chainRows(chain: string, n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_MAC;
  for (let seq = 1; seq <= n; seq++) {
    const record = {
      v: 1,
      chain,
      seq,
      at: 1_800_000_000_000 + seq,
      id: `e-${chain}-${seq}`,
      type: "login_succeeded",
      user_id: "u1",
      request_id: null,
      ip: "203.0.113.9",
      user_agent: "ua",
      details: { method: "password", n: seq },
      key_id: "k1",
    };
    const mac = computeMac(new Uint8Array(KEY), prev, record);
    rows.push({ ...record, prev_mac: prev, mac });
    prev = mac;
  }
  return rows;
}

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: Record<string, unknown> }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (err, stdout) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, out: JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") });
      },
    );
  });
}

let db: { url: string; drop(): Promise<void> };
let stopServer: () => Promise<void>;
let client: pg.Client;
let dir: string;

beforeAll(async () => {
  const server = await findOrStartPostgres();
  stopServer = server.stop;
  db = await createFreshDatabase(server, "audit_verify_test");
  await applyMigrations(db.url);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  dir = mkdtempSync(path.join(tmpdir(), "audit-verify-"));
}, 60_000);

afterAll(async () => {
  await client?.end();
  await db?.drop();
  await stopServer?.();
  rmSync(dir, { recursive: true, force: true });
});

/** Inserts rows as the heads do (many per statement) and checkpoints at `checkpointSeqs` (default: the last row). */
async function insert(rows: AuditRow[], checkpointSeqs?: number[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const slice = rows.slice(i, i + 500);
    await client.query(
      `INSERT INTO audit_events (chain_id, seq, v, at_ms, event_id, type, user_id, request_id, ip,
         user_agent, details, key_id, prev_mac, mac)
       SELECT chain_id, seq, v, at_ms, event_id, type, user_id, request_id, ip, user_agent,
              details, key_id, prev_mac, mac
       FROM jsonb_to_recordset($1::jsonb) AS t(chain_id text, seq bigint, v smallint, at_ms bigint,
         event_id text, type text, user_id text, request_id text, ip text, user_agent text,
         details jsonb, key_id text, prev_mac text, mac text)`,
      [
        JSON.stringify(
          slice.map((r) => ({
            chain_id: r.chain,
            seq: r.seq,
            v: r.v,
            at_ms: r.at,
            event_id: r.id,
            type: r.type,
            user_id: r.user_id,
            request_id: r.request_id,
            ip: r.ip,
            user_agent: r.user_agent,
            details: r.details,
            key_id: r.key_id,
            prev_mac: r.prev_mac,
            mac: r.mac,
          })),
        ),
      ],
    );
  }
  for (const seq of checkpointSeqs ?? [(rows.at(-1) as AuditRow).seq]) {
    const row = rows.find((r) => r.seq === seq) as AuditRow;
    await client.query(
      "INSERT INTO audit_checkpoints (chain_id, seq, mac, key_id) VALUES ($1, $2, $3, $4)",
      [row.chain, row.seq, row.mac, row.key_id],
    );
  }
}

/** An export as GET /v1/admin/audit/export writes it. */
function exportFile(name: string, rows: AuditRow[], withEnd = true): string {
  const last = rows.at(-1) as AuditRow;
  const lines = [
    { kind: "audit_export", format: 1, chains: [last.chain] },
    ...rows.map((r) => ({ kind: "event", ...r })),
    { kind: "checkpoint", chain: last.chain, seq: last.seq, mac: last.mac, key_id: "k1" },
    { kind: "head", chain: last.chain, seq: last.seq, mac: last.mac, pending: 0 },
    ...(withEnd ? [{ kind: "end", chains: 1, events: rows.length, checkpoints: 1 }] : []),
  ];
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return file;
}

describe("npm run audit:verify against DATABASE_URL", () => {
  it("reports an intact trail with exit 0", async () => {
    await insert(chainRows("shard-0", 6));
    await insert(chainRows("shard-1", 3));
    const r = await run([], { DATABASE_URL: db.url, AUDIT_HMAC_KEYS: KEYS });
    expect(r).toEqual({ code: 0, out: { ok: true, chains: 2, events: 9 } });
  });

  it("finds a truncated tail through the stored checkpoint alone, exit 1", async () => {
    await insert(chainRows("shard-2", 5));
    await client.query("DELETE FROM audit_events WHERE chain_id = 'shard-2' AND seq >= 4");
    const r = await run(["--chain", "shard-2"], { DATABASE_URL: db.url, AUDIT_HMAC_KEYS: KEYS });
    expect(r.code).toBe(1);
    expect(r.out).toMatchObject({ ok: false, chain: "shard-2", sequence: 4, reason: "truncated" });
  });

  it("names the first broken chain and sequence", async () => {
    await client.query(
      "UPDATE audit_events SET ip = '192.0.2.1' WHERE chain_id = 'shard-0' AND seq = 5",
    );
    const r = await run([], { DATABASE_URL: db.url, AUDIT_HMAC_KEYS: KEYS });
    expect(r).toMatchObject({
      code: 1,
      out: { ok: false, chain: "shard-0", sequence: 5, reason: "mac_mismatch" },
    });
  });

  it("cannot verify without keys (exit 2) and never with the wrong ones", async () => {
    expect((await run([], { DATABASE_URL: db.url })).code).toBe(2);
    const other = `k1:${Buffer.alloc(32, 6).toString("base64")}`;
    const r = await run(["--chain", "shard-1"], { DATABASE_URL: db.url, AUDIT_HMAC_KEYS: other });
    expect(r.out).toMatchObject({ chain: "shard-1", sequence: 1, reason: "mac_mismatch" });
  });
});

// Regression guard: the script once selected `seq::text AS seq … ORDER BY seq`,
// which sorts by the text alias (1, 10, 11, …, 2), so every intact chain of 10
// or more events was reported as a gap at seq 2, and the newest checkpoint was
// the one whose seq sorts last as text (9 before 1234), hiding a cut-off tail.
describe("npm run audit:verify on chains longer than 10 rows and than one page (1000)", () => {
  const LONG = 1234;
  /** Checkpoints as successive flushes leave them: one per batch, the last one at the tail. */
  const FLUSHES = [9, 200, 1000, LONG];
  const verifyOnly = (chain: string, keys = KEYS) =>
    run(["--chain", chain], { DATABASE_URL: db.url, AUDIT_HMAC_KEYS: keys });
  const seqOf = (chain: string, seq: number) =>
    client.query("SELECT 1 FROM audit_events WHERE chain_id = $1 AND seq = $2", [chain, seq]);

  it("reports an intact chain as intact, as --file does for the same rows", async () => {
    const rows = chainRows("long-intact", LONG);
    await insert(rows, FLUSHES);
    expect(await verifyOnly("long-intact")).toEqual({
      code: 0,
      out: { ok: true, chains: 1, events: LONG },
    });
    const file = await run(["--file", exportFile("long.ndjson", rows)], { AUDIT_HMAC_KEYS: KEYS });
    expect(file).toEqual({ code: 0, out: { ok: true, chains: 1, events: LONG } });
    // Ten rows exactly: the shortest chain the text order broke.
    await insert(chainRows("ten", 10));
    expect(await verifyOnly("ten")).toEqual({ code: 0, out: { ok: true, chains: 1, events: 10 } });
  });

  it("a deleted row on the second page: gap", async () => {
    await insert(chainRows("long-gap", LONG), FLUSHES);
    await client.query("DELETE FROM audit_events WHERE chain_id = 'long-gap' AND seq = 1001");
    expect(await verifyOnly("long-gap")).toMatchObject({
      code: 1,
      out: { ok: false, chain: "long-gap", sequence: 1001, reason: "gap" },
    });
  });

  it("an altered field: mac_mismatch", async () => {
    await insert(chainRows("long-edit", LONG), FLUSHES);
    await client.query(
      `UPDATE audit_events SET details = '{"reason":"nothing to see"}'
       WHERE chain_id = 'long-edit' AND seq = 1100`,
    );
    expect(await verifyOnly("long-edit")).toMatchObject({
      code: 1,
      out: { sequence: 1100, reason: "mac_mismatch" },
    });
  });

  it("an altered user id: mac_mismatch", async () => {
    await insert(chainRows("long-user", LONG), FLUSHES);
    await client.query(
      "UPDATE audit_events SET user_id = 'someone-else' WHERE chain_id = 'long-user' AND seq = 11",
    );
    expect(await verifyOnly("long-user")).toMatchObject({
      code: 1,
      out: { sequence: 11, reason: "mac_mismatch" },
    });
  });

  it("rows swapped across the page boundary: reordered", async () => {
    await insert(chainRows("long-swap", LONG), FLUSHES);
    const swap = (from: number, to: number) =>
      client.query("UPDATE audit_events SET seq = $2 WHERE chain_id = 'long-swap' AND seq = $1", [
        from,
        to,
      ]);
    await swap(12, -12);
    await swap(1050, 12);
    await swap(-12, 1050);
    expect(await verifyOnly("long-swap")).toMatchObject({
      code: 1,
      out: { sequence: 12, reason: "reordered" },
    });
  });

  it("a truncated tail: the newest stored checkpoint (numerically) says it was longer", async () => {
    await insert(chainRows("long-cut", LONG), FLUSHES);
    await client.query("DELETE FROM audit_events WHERE chain_id = 'long-cut' AND seq > 1000");
    expect((await seqOf("long-cut", 1001)).rowCount).toBe(0);
    expect(await verifyOnly("long-cut")).toMatchObject({
      code: 1,
      out: { sequence: 1001, reason: "truncated" },
    });
  });

  it("a forged row appended without the key: mac_mismatch", async () => {
    const rows = chainRows("long-forged", LONG);
    await insert(rows, FLUSHES);
    const last = rows.at(-1) as AuditRow;
    const forged = { ...last, seq: LONG + 1, id: "forged", type: "logout", prev_mac: last.mac };
    await insert(
      [{ ...forged, mac: computeMac(new Uint8Array(32).fill(7), last.mac, forged) }],
      [],
    );
    expect(await verifyOnly("long-forged")).toMatchObject({
      code: 1,
      out: { sequence: LONG + 1, reason: "mac_mismatch" },
    });
  });

  it("a row naming a key that is not configured: unknown_key", async () => {
    await insert(chainRows("long-key", LONG), FLUSHES);
    await client.query(
      "UPDATE audit_events SET key_id = 'gone' WHERE chain_id = 'long-key' AND seq = 1002",
    );
    expect(await verifyOnly("long-key")).toMatchObject({
      code: 1,
      out: { sequence: 1002, reason: "unknown_key" },
    });
  });

  it("the wrong verification key: mac_mismatch at seq 1", async () => {
    await insert(chainRows("long-wrong-key", LONG), FLUSHES);
    const other = `k1:${Buffer.alloc(32, 6).toString("base64")}`;
    expect(await verifyOnly("long-wrong-key", other)).toMatchObject({
      code: 1,
      out: { sequence: 1, reason: "mac_mismatch" },
    });
  });
});

describe("npm run audit:verify --file (offline, from an export)", () => {
  it("verifies an export, refuses a cut-off one", async () => {
    const rows = chainRows("shard-0", 4);
    const ok = await run(["--file", exportFile("full.ndjson", rows)], { AUDIT_HMAC_KEYS: KEYS });
    expect(ok).toEqual({ code: 0, out: { ok: true, chains: 1, events: 4 } });
    const cut = await run(["--file", exportFile("cut.ndjson", rows, false)], {
      AUDIT_HMAC_KEYS: KEYS,
    });
    expect(cut.code).toBe(2);
  });

  it("holds a new export to the heads of an older one (--checkpoints-from)", async () => {
    const rows = chainRows("shard-0", 6);
    const older = exportFile("older.ndjson", rows);
    // Later, the tail and every checkpoint and head that knew of it are gone.
    const newer = exportFile("newer.ndjson", rows.slice(0, 4));
    const alone = await run(["--file", newer], { AUDIT_HMAC_KEYS: KEYS });
    expect(alone.code).toBe(0);
    const held = await run(["--file", newer, "--checkpoints-from", older], {
      AUDIT_HMAC_KEYS: KEYS,
    });
    expect(held).toMatchObject({ code: 1, out: { sequence: 5, reason: "truncated" } });
  });
});
