// Import bodies and records: line numbering, per-record reasons, idempotency
// by email, batching, and no hash in any answer.
import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors";
import { importLegacySessions } from "../../src/features/legacy/import-sessions";
import { importUsers } from "../../src/features/legacy/import-users";
import { importLimits } from "../../src/features/legacy/limits";
import type {
  ImportedSession,
  ImportedUser,
  SessionImportOutcome,
  UserImportOutcome,
} from "../../src/features/legacy/ports";
import {
  importFormatOf,
  MAX_IMPORT_RECORDS,
  parseImportBody,
} from "../../src/features/legacy/records";
import rejectedFixtures from "../fixtures/legacy/rejected.json";
import users from "../fixtures/legacy/users.json";

const limits = importLimits(19456);
const NOW = Date.parse("2026-11-23T00:00:00Z");

describe("import bodies", () => {
  it("numbers NDJSON records by physical line, skipping blank lines and CRs", () => {
    const items = parseImportBody('{"a":1}\r\n\n  \n{"b":2}\nnot json\n', "ndjson");
    expect(items).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: { b: 2 } },
      { line: 5, invalidJson: true },
    ]);
  });

  it("numbers a JSON array's records by position, and refuses anything else whole", () => {
    expect(parseImportBody('[{"a":1},2]', "json")).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, value: 2 },
    ]);
    expect(() => parseImportBody('{"a":1}', "json")).toThrow(AuthError);
    expect(() => parseImportBody("[", "json")).toThrow(AuthError);
  });

  it("refuses more than 10,000 records in either form with 413", () => {
    const ndjson = "{}\n".repeat(MAX_IMPORT_RECORDS + 1);
    expect(parseImportBody("{}\n".repeat(MAX_IMPORT_RECORDS), "ndjson")).toHaveLength(
      MAX_IMPORT_RECORDS,
    );
    expect(() => parseImportBody(ndjson, "ndjson")).toThrow(
      expect.objectContaining({ status: 413 }),
    );
    const array = JSON.stringify(Array.from({ length: MAX_IMPORT_RECORDS + 1 }, () => ({})));
    expect(() => parseImportBody(array, "json")).toThrow(expect.objectContaining({ status: 413 }));
  });

  it("knows its media types", () => {
    expect(importFormatOf("application/x-ndjson")).toBe("ndjson");
    expect(importFormatOf("application/json; charset=utf-8")).toBe("json");
    expect(importFormatOf("text/plain")).toBeNull();
  });
});

/**
 * A store that keeps users in memory, unique by lower(email), counting
 * statements. `registered` are accounts made here, not by an import.
 */
function memoryUsers(registered: string[] = []) {
  const accounts = new Map(registered.map((e) => [e.toLowerCase(), { imported: false }]));
  const rows: ImportedUser[] = [];
  const statements: number[] = [];
  return {
    rows,
    statements,
    async insertUsers(batch: readonly ImportedUser[]) {
      statements.push(batch.length);
      const outcomes = new Map<string, UserImportOutcome>();
      for (const u of batch) {
        const existing = accounts.get(u.email.toLowerCase());
        if (existing) {
          outcomes.set(u.id, existing.imported ? "exists" : "conflict");
          continue;
        }
        accounts.set(u.email.toLowerCase(), { imported: true });
        rows.push(u);
        outcomes.set(u.id, "created");
      }
      return outcomes;
    },
  };
}

const bcrypt = users.find((u) => u.name.startsWith("python bcrypt $2b$"))?.password_hash as string;
const record = (email: unknown, extra: Record<string, unknown> = {}) => ({
  value: { email, password_hash: bcrypt, ...extra },
});

describe("importUsers", () => {
  it("answers every record in order: created, conflict, or rejected with a reason", async () => {
    const store = memoryUsers(["taken@example.test"]);
    const items = [
      { line: 1, ...record(" new@example.test ") },
      { line: 2, ...record("TAKEN@example.test") },
      { line: 3, ...record("NEW@example.test") },
      { line: 4, ...record("not an email") },
      { line: 5, value: { email: "x@example.test" } },
      { line: 6, ...record("y@example.test", { password_hash: "md5$a$b" }) },
      { line: 7, ...record("z@example.test", { password_salt: 42 }) },
      { line: 8, value: [1] },
      { line: 9, invalidJson: true as const },
    ];
    const report = await importUsers({ store, limits }, items);
    expect(report.results.map((r) => [r.line, r.email, r.status, r.reason])).toEqual([
      [1, "new@example.test", "created", undefined],
      // An account registered here: never taken over (security review: pre-registration squatting).
      [2, "TAKEN@example.test", "conflict", "conflict_existing_account"],
      [3, "NEW@example.test", "rejected", "duplicate_email"],
      [4, "not an email", "rejected", "invalid_email"],
      [5, "x@example.test", "rejected", "missing_password_hash"],
      [6, "y@example.test", "rejected", "unsupported_scheme"],
      [7, "z@example.test", "rejected", "invalid_salt"],
      [8, null, "rejected", "invalid_record"],
      [9, null, "rejected", "invalid_json"],
    ]);
    expect(report.summary).toEqual({ created: 1, exists: 0, conflict: 1, rejected: 7 });
    expect(store.rows).toEqual([
      {
        id: expect.any(String),
        email: "new@example.test",
        passwordHash: bcrypt,
        legacySalt: null,
        emailVerified: false,
      },
    ]);
  });

  it("takes the monolith's verification state when the record states it, as a boolean only", async () => {
    const store = memoryUsers();
    const report = await importUsers({ store, limits }, [
      { line: 1, ...record("v@example.test", { email_verified: true }) },
      { line: 2, ...record("w@example.test", { email_verified: "true" }) },
    ]);
    expect(report.results.map((r) => [r.status, r.reason])).toEqual([
      ["created", undefined],
      ["rejected", "invalid_email_verified"],
    ]);
    expect(store.rows.map((r) => r.emailVerified)).toEqual([true]);
  });

  it("is idempotent: a second run creates nothing and changes nothing", async () => {
    const store = memoryUsers();
    const items = users.map((u, i) => ({
      line: i + 1,
      value: { ...u, email: `fixture-${i}@example.test` },
    }));
    const first = await importUsers({ store, limits }, items);
    expect(first.summary).toEqual({ created: users.length, exists: 0, conflict: 0, rejected: 0 });
    const snapshot = structuredClone(store.rows);
    const second = await importUsers({ store, limits }, items);
    expect(second.summary).toEqual({ created: 0, exists: users.length, conflict: 0, rejected: 0 });
    expect(store.rows).toEqual(snapshot);
  });

  it("stores the canonical form and the separate salt", async () => {
    const store = memoryUsers();
    const salted = users.find((u) => "password_salt" in u) as (typeof users)[number];
    const django = users.find((u) => u.password_hash.startsWith("bcrypt$"))?.password_hash;
    await importUsers({ store, limits }, [
      { line: 1, value: { ...salted, email: "s@example.test" } },
      { line: 2, value: { email: "d@example.test", password_hash: django } },
    ]);
    expect(store.rows[0]?.legacySalt).toBe((salted as { password_salt: string }).password_salt);
    expect(store.rows[1]?.passwordHash).toBe(django?.slice("bcrypt$".length));
  });

  it("reports each rejected fixture with its reason and never echoes a hash or salt", async () => {
    const store = memoryUsers();
    const items = rejectedFixtures.map((r, i) => ({
      line: i + 1,
      value: { ...r, email: `r${i}@example.test` },
    }));
    const report = await importUsers({ store, limits }, items);
    expect(report.results.map((r) => r.reason)).toEqual(rejectedFixtures.map((r) => r.reason));
    const text = JSON.stringify(report);
    for (const r of [...rejectedFixtures, ...users]) {
      expect(text).not.toContain(r.password_hash.slice(-20));
    }
    expect(text).not.toContain("extra"); // a password_salt of one record
  });

  it("writes in statements of at most 1000 users", async () => {
    const store = memoryUsers();
    const items = Array.from({ length: 2500 }, (_, i) => ({
      line: i + 1,
      ...record(`b${i}@x.test`),
    }));
    const report = await importUsers({ store, limits }, items);
    expect(report.summary.created).toBe(2500);
    expect(store.statements).toEqual([1000, 1000, 500]);
  });
});

describe("importLegacySessions", () => {
  const key = "a".repeat(64);
  const session = (extra: Record<string, unknown> = {}) => ({
    email: "s@example.test",
    session_key_sha256: key,
    expires_at: "2026-12-01T10:00:00.123456+00:00",
    ...extra,
  });

  it("answers per record and maps the store's outcomes", async () => {
    const seen: ImportedSession[] = [];
    const outcomes = new Map<string, SessionImportOutcome>([
      [key, "created"],
      ["b".repeat(64), "exists"],
    ]);
    const store = {
      async insertSessions(batch: readonly ImportedSession[]) {
        seen.push(...batch);
        return outcomes;
      },
    };
    const report = await importLegacySessions({ store, clock: { now: () => NOW } }, [
      { line: 1, value: session({ session_key_sha256: key.toUpperCase() }) },
      { line: 2, value: session({ session_key_sha256: "b".repeat(64) }) },
      { line: 3, value: session({ session_key_sha256: "c".repeat(64) }) },
      { line: 4, value: session() },
      { line: 5, value: session({ session_key_sha256: "d".repeat(63) }) },
      { line: 6, value: session({ expires_at: "2026-12-01" }) },
      { line: 7, value: session({ expires_at: "2026-11-22T23:59:59Z" }) },
      { line: 8, value: session({ email: "nope" }) },
    ]);
    expect(report.results.map((r) => [r.line, r.status, r.reason])).toEqual([
      [1, "created", undefined],
      [2, "exists", undefined],
      [3, "rejected", "unknown_user"],
      [4, "rejected", "duplicate_session"],
      [5, "rejected", "invalid_key_hash"],
      [6, "rejected", "invalid_expiry"],
      [7, "rejected", "expired"],
      [8, "rejected", "invalid_email"],
    ]);
    expect(seen.map((s) => s.keyHash)).toEqual([key, "b".repeat(64), "c".repeat(64)]);
    expect(seen[0]?.expiresAt.toISOString()).toBe("2026-12-01T10:00:00.123Z");
  });
});
