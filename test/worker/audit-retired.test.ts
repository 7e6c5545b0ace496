// Regression guard: after AUDIT_SHARDS is lowered (say from 256 to 8), a
// retired shard chain whose rows and checkpoints were all deleted must still
// be held to its live head by a verification without a filter.
//
// The unfiltered verification runs against an audit store of its own (a
// schema with empty copies of the two audit tables, reached through
// search_path), because the test database is shared with every other test
// file. This file makes no request through the Worker before that, so its
// shard heads hold nothing but what the test puts there.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/adapters/postgres/client";
import { ConfigError, configFromEnv } from "../../src/config";
import { verifyStoredAudit } from "../../src/features/audit/adapters/stored-trail";
import { db, expectBroken, flush, head, recordInShard, seqs } from "./audit-helpers";

function config() {
  const c = configFromEnv(env);
  if (c instanceof ConfigError) throw c;
  return c;
}

/** A schema holding empty audit tables shaped like production's; its connection string. */
async function emptyAuditStore(): Promise<string> {
  const schema = `retired_${crypto.randomUUID().slice(0, 8)}`;
  await db.query(`CREATE SCHEMA ${schema}`);
  for (const table of ["audit_events", "audit_checkpoints"]) {
    await db.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
  }
  const url = new URL(env.DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/** The namespace, counting the heads asked (each ask is one subrequest). */
function countingHeads() {
  const asked = new Set<string>();
  let calls = 0;
  const ns = env.AUDIT_HEAD;
  const heads = {
    idFromName: (name: string) => {
      asked.add(name);
      calls++;
      return ns.idFromName(name);
    },
    get: (id: DurableObjectId) => ns.get(id),
  } as unknown as typeof ns;
  return { heads, asked, calls: () => calls };
}

describe("a retired shard chain", () => {
  it("whose rows and checkpoints were deleted is reported truncated by a verification without a filter", async () => {
    const chain = await recordInShard(201, 3);
    await flush(chain);
    expect(await seqs(chain)).toEqual([1, 2, 3]);
    await db.query("DELETE FROM audit_events WHERE chain_id = $1", [chain]);
    await db.query("DELETE FROM audit_checkpoints WHERE chain_id = $1", [chain]);

    const store = await emptyAuditStore();
    const { heads, asked, calls } = countingHeads();
    const result = await verifyStoredAudit({
      db: createDb({ ...config(), databaseUrl: store }),
      heads,
      keys: config().audit.keys,
    });
    expect(result).toEqual({
      ok: false,
      chain,
      sequence: 1,
      reason: "truncated",
      detail: expect.stringContaining("live head"),
    });
    // The cost: every possible shard head once (256 subrequests), nothing more.
    expect(asked.size).toBe(256);
    expect(calls()).toBe(256);
    // Asking a head that never had an event stored nothing there.
    const tables = await runInDurableObject(head("shard-255"), (_i, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master").toArray(),
    );
    expect(tables).toEqual([]);

    // Asked for by name, the shared database says the same.
    await expectBroken(chain, 1, "truncated");
  });
});
