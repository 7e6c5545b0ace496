// The dev server's local state belongs to one database (dev/dev-server/local-state.ts).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  bindStateToDatabase,
  databaseIdentity,
  databaseKey,
  localStateFor,
} from "../../dev/dev-server/local-state.ts";
import { createFreshDatabase, findOrStartPostgres } from "../../dev/stack/postgres.ts";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "edge-auth-state-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("localStateFor", () => {
  it("keeps PGlite's state beside its files, inside the data folder", () => {
    const state = localStateFor(dataDir, null);
    expect(state.dir).toBe(path.join(dataDir, "pglite-state"));
    expect(path.dirname(state.wranglerDir)).toBe(state.dir);
    expect(path.dirname(state.redisDir)).toBe(state.dir);
    expect(path.dirname(state.lockFile)).toBe(state.dir);
  });

  it("gives each database URL its own folder, the same whatever the password or options", () => {
    const a = localStateFor(dataDir, "postgres://app:one@db.test:5432/auth");
    expect(path.dirname(a.dir)).toBe(dataDir);
    expect(a.dir).toMatch(/postgres-[0-9a-f]{16}-state$/);
    expect(localStateFor(dataDir, "postgresql://app:two@db.test/auth?sslmode=disable").dir).toBe(
      a.dir,
    );
    for (const other of [
      "postgres://app@db.test:5432/auth2",
      "postgres://app@db.test:5433/auth",
      "postgres://other@db.test:5432/auth",
      "postgres://app@db2.test:5432/auth",
    ]) {
      expect(localStateFor(dataDir, other).dir).not.toBe(a.dir);
    }
    // The folder name is a hash: no host, user or password on disk in clear.
    expect(a.dir).not.toContain("db.test");
    expect(databaseKey("postgres://app:secret@db.test/auth")).not.toContain("secret");
  });
});

describe("bindStateToDatabase", () => {
  const fill = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "data"), "x");
  };

  it("keeps the state of the same database and deletes the state of another", () => {
    const state = localStateFor(dataDir, null);
    expect(bindStateToDatabase(state, "sys-1/5")).toBe(false);
    fill(state.wranglerDir);
    fill(state.redisDir);
    expect(bindStateToDatabase(state, "sys-1/5")).toBe(false);
    expect(existsSync(path.join(state.wranglerDir, "data"))).toBe(true);
    expect(existsSync(path.join(state.redisDir, "data"))).toBe(true);

    // The same place, another database (recreated, or its files wiped alone).
    expect(bindStateToDatabase(state, "sys-2/5")).toBe(true);
    expect(existsSync(state.wranglerDir)).toBe(false);
    expect(existsSync(state.redisDir)).toBe(false);
    expect(bindStateToDatabase(state, "sys-2/5")).toBe(false);
  });
});

describe("databaseIdentity", () => {
  // Regression: a database dropped and created again at the same URL met the
  // audit heads and refresh families of the one before.
  it("tells a database created again under the same name from the one before", async () => {
    const server = await findOrStartPostgres();
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    try {
      const db = await createFreshDatabase(server, "edge_auth_identity");
      const before = await databaseIdentity(db.url);
      expect(before).toMatch(/^\d+\/\d+$/);
      expect(await databaseIdentity(db.url)).toBe(before);
      await db.drop();
      await admin.query(`CREATE DATABASE "${db.name}"`);
      try {
        expect(await databaseIdentity(db.url)).not.toBe(before);
      } finally {
        await admin.query(`DROP DATABASE "${db.name}"`);
      }
    } finally {
      await admin.end();
      await server.stop();
    }
  });
});
