// The FamilyStorage contract against the real adapter: a Durable Object's SQLite.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  createFamilyStorage,
  migrateFamilySchema,
} from "../../src/adapters/durable-objects/family-storage";
import { cachedFamilyStorage } from "../../src/adapters/durable-objects/family-storage-cache";
import type { FamilyStorage } from "../../src/auth/refresh/family";
import { familyStorageContract, familyStorageMemoryAgrees } from "../contract/family-storage";

/** A test body against a fresh object's SQLite, through `adapt`. */
const inFreshObject =
  (adapt: (rows: FamilyStorage) => FamilyStorage) =>
  (body: (s: FamilyStorage) => Promise<void>) => {
    const stub = env.REFRESH_FAMILY.get(env.REFRESH_FAMILY.idFromName(crypto.randomUUID()));
    return runInDurableObject(stub, (_instance, state) =>
      body(adapt(createFamilyStorage(state.storage))),
    );
  };

familyStorageContract(
  "Durable Object SQLite",
  inFreshObject((rows) => rows),
);
familyStorageContract(
  "Durable Object SQLite with the object's memory",
  inFreshObject(cachedFamilyStorage),
);
familyStorageMemoryAgrees(
  "Durable Object SQLite",
  inFreshObject((rows) => rows),
);

describe("families stored before the claims snapshot", () => {
  // They kept `email_verified` in a column of its own; the object moves it into
  // `claims` once, when it starts, and the family keeps working.
  it.each([
    [1, true],
    [0, false],
  ])("email_verified = %i becomes claims.email_verified = %s", async (column, claim) => {
    const stub = env.REFRESH_FAMILY.get(env.REFRESH_FAMILY.idFromName(crypto.randomUUID()));
    const claims = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE family");
      sql.exec(`CREATE TABLE family (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL,
        revoked_at INTEGER, revoke_reason TEXT, current_generation INTEGER NOT NULL,
        email_verified INTEGER NOT NULL DEFAULT 0)`);
      sql.exec(
        "INSERT INTO family VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'u1', 1, 2, 1, NULL, NULL, 1, ?)",
        column,
      );
      migrateFamilySchema(sql);
      migrateFamilySchema(sql); // idempotent: a restart changes nothing
      return createFamilyStorage(state.storage).family()?.claims;
    });
    expect(claims).toEqual({ email_verified: claim });
  });
});
