// POST /v1/admin/users/import and GET /v1/admin/stats over HTTP, against the
// real database: formats, bounds, per-line reasons, idempotency, no hash in
// any answer, and the counts per scheme converging as users log in.
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/features/legacy/sha256-hex";
import type { MigrationStats } from "../../src/features/legacy/stats";
import rejected from "../fixtures/legacy/rejected.json";
import users from "../fixtures/legacy/users.json";
import { ADMIN, call, loginWith, postJson, uniqueEmail } from "./helpers";
import { importRecords, newImportedUser, postImport, sql, stored } from "./legacy-helpers";

const IMPORT = "/v1/admin/users/import";
const withEmails = <T extends object>(records: readonly T[], tag: string) =>
  records.map((r) => ({ ...r, email: uniqueEmail(tag) }));

describe("POST /v1/admin/users/import", () => {
  it("imports NDJSON and a JSON array alike, answering per line", async () => {
    const records = withEmails(users.slice(0, 3), "imp");
    for (const format of ["ndjson", "json"] as const) {
      const batch = format === "ndjson" ? records : withEmails(users.slice(0, 3), "arr");
      const res = await postImport(IMPORT, batch, format);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = (await res.json()) as { summary: unknown; results: unknown[] };
      expect(body.summary).toEqual({ created: 3, exists: 0, conflict: 0, rejected: 0 });
      expect(body.results).toEqual(
        batch.map((r, i) => ({ line: i + 1, email: r.email, status: "created" })),
      );
    }
  });

  it("is idempotent by email, case-insensitively, and never overwrites", async () => {
    const [first] = withEmails(users.slice(0, 1), "idem");
    const record = first as (typeof users)[number] & { email: string };
    await importRecords(IMPORT, [record]);
    const before = await stored(record.email);
    const other = users[1]?.password_hash;
    const report = await importRecords(IMPORT, [
      { ...record, email: ` ${record.email.toUpperCase()} `, password_hash: other },
    ]);
    expect(report.results[0]).toMatchObject({ status: "exists" });
    expect(await stored(record.email)).toEqual(before);
  });

  it("rejects each out-of-bounds or unsupported fixture with its reason, importing the rest", async () => {
    const good = withEmails(users.slice(0, 1), "mixed");
    const bad = withEmails(rejected, "rej");
    const report = await importRecords(IMPORT, [...bad, ...good]);
    expect(report.results.map((r) => r.reason ?? r.status)).toEqual([
      ...rejected.map((r) => r.reason),
      "created",
    ]);
    for (const r of report.results.slice(0, -1)) expect(r.detail).toEqual(expect.any(String));
    const rows = await sql`select count(*)::int as n from users
      where email = any(${bad.map((b) => b.email)})`;
    expect(rows[0]?.n).toBe(0);
  });

  it("never echoes a hash or a salt", async () => {
    const records = [...withEmails(users, "echo"), ...withEmails(rejected, "echo")];
    const text = await (await postImport(IMPORT, records)).text();
    for (const r of records) {
      for (const part of r.password_hash.split("$").filter((p) => p.length >= 16))
        expect(text).not.toContain(part);
    }
    expect(text).not.toContain("legacySaltColumn01");
  });

  it("numbers NDJSON lines as the file does, with bad lines rejected on their own", async () => {
    const [a, b] = withEmails(users.slice(0, 2), "lines");
    const body = `${JSON.stringify(a)}\n\n{not json\n${JSON.stringify(b)}\n`;
    const res = await call(IMPORT, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/x-ndjson" },
      body,
    });
    const report = (await res.json()) as { results: Array<{ line: number; status: string }> };
    expect(report.results.map((r) => [r.line, r.status])).toEqual([
      [1, "created"],
      [3, "rejected"],
      [4, "created"],
    ]);
  });

  it("refuses bodies over 5 MiB (declared or not) and over 10,000 records with 413", async () => {
    const big = "x".repeat(5 * 1024 * 1024 + 1);
    const declared = await postImport(IMPORT, [big]);
    expect(declared.status).toBe(413);
    const streamed = await call(IMPORT, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/x-ndjson" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const many = await call(IMPORT, {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/x-ndjson" },
      body: "{}\n".repeat(10_001),
    });
    expect(many.status).toBe(413);
  });

  it("answers 415 for other media types, 400 for a non-array JSON body or bad UTF-8", async () => {
    const send = (type: string, body: BodyInit) =>
      call(IMPORT, { method: "POST", headers: { ...ADMIN, "content-type": type }, body });
    expect((await send("text/csv", "email,password_hash")).status).toBe(415);
    expect((await send("application/json", '{"email":"a@b.test"}')).status).toBe(400);
    expect((await send("application/x-ndjson", new Uint8Array([0xff, 0xfe]))).status).toBe(400);
  });

  it("needs the admin key", async () => {
    const res = await call(IMPORT, {
      method: "POST",
      headers: {
        "content-type": "application/x-ndjson",
        authorization: `Bearer ${"b".repeat(48)}`,
      },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });
});

describe("GET /v1/admin/stats", () => {
  // Worker test files run one at a time, so deltas around our own writes are exact.
  const stats = async (): Promise<MigrationStats> => {
    const res = await call("/v1/admin/stats", { headers: ADMIN });
    expect(res.status).toBe(200);
    return (await res.json()) as MigrationStats;
  };
  type Schemes = MigrationStats["users"]["by_scheme"];
  const delta = (a: MigrationStats, b: MigrationStats) =>
    Object.fromEntries(
      (Object.keys(b.users.by_scheme) as Array<keyof Schemes>).map((k) => [
        k,
        b.users.by_scheme[k] - a.users.by_scheme[k],
      ]),
    );

  it("counts users per scheme, and the legacy ones converge to argon2id as they log in", async () => {
    const before = await stats();
    const pick = (prefix: string) =>
      users.find((u) => u.password_hash.startsWith(prefix)) as (typeof users)[number];
    const batch = withEmails(
      [pick("$2b$"), pick("pbkdf2_sha256$100000$"), pick("bcrypt_sha256$"), pick("$argon2id$")],
      "stats",
    );
    await importRecords(IMPORT, batch);
    const imported = await stats();
    expect(delta(before, imported)).toEqual({
      argon2id_current: 0,
      argon2id_outdated: 0,
      argon2id_imported: 1,
      bcrypt: 1,
      bcrypt_sha256: 1,
      pbkdf2_sha256: 1,
      other: 0,
    });
    expect(imported.users.legacy - before.users.legacy).toBe(4);
    expect(imported.users.total - before.users.total).toBe(4);

    for (const r of batch) expect((await loginWith(r.email, r.password)).status).toBe(200);
    const after = await stats();
    expect(delta(before, after)).toMatchObject({
      argon2id_current: 4,
      argon2id_imported: 0,
      bcrypt: 0,
      bcrypt_sha256: 0,
      pbkdf2_sha256: 0,
    });
    expect(after.users.legacy).toBe(before.users.legacy);
  });

  it("counts legacy sessions pending, exchanged and lapsed", async () => {
    const user = await newImportedUser("stats-sess");
    const key = "statskey".repeat(4);
    const hash = await sha256Hex(key);
    const before = await stats();
    await importRecords("/v1/admin/legacy-sessions/import", [
      {
        session_key_sha256: hash,
        email: user.email,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    ]);
    const imported = await stats();
    expect(imported.legacy_sessions.pending - before.legacy_sessions.pending).toBe(1);
    expect((await postJson("/v1/legacy/exchange", { session_key: key })).status).toBe(200);
    const exchanged = await stats();
    expect(exchanged.legacy_sessions.pending).toBe(before.legacy_sessions.pending);
    expect(exchanged.legacy_sessions.exchanged - before.legacy_sessions.exchanged).toBe(1);
    expect(exchanged.legacy_sessions.lapsed).toBe(before.legacy_sessions.lapsed);
  });
});
