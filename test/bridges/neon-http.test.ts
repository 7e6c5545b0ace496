import { NeonDbError, neon, neonConfig } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NeonBridge, neonClientSettings, startNeonBridge } from "../../dev/bridges/neon.ts";
import { createTestDatabase, type TestDatabase } from "./support/postgres.ts";

let db: TestDatabase;
let bridge: NeonBridge;
const mappedConnectionStrings: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  bridge = await startNeonBridge({
    port: 0,
    mapConnectionString: (cs) => {
      mappedConnectionStrings.push(cs);
      return cs;
    },
  });
  Object.assign(neonConfig, neonClientSettings(bridge));
  const sql = neon(db.url);
  await sql`CREATE TABLE accounts (id int PRIMARY KEY, email text UNIQUE NOT NULL, balance int NOT NULL CHECK (balance >= 0))`;
});

afterAll(async () => {
  await bridge?.close();
  await db?.drop();
});

describe("Neon HTTP bridge with the real neon() driver", () => {
  it("is reached through the connection string the driver resolved", async () => {
    const sql = neon(db.url);
    expect(await sql`SELECT current_database() AS name`).toEqual([{ name: db.name }]);
    // The driver appends application_name; the bridge must pass the full URL on.
    expect(mappedConnectionStrings.at(-1)).toMatch(new RegExp(`/${db.name}\\?application_name=`));
  });

  it("round-trips parameters of many types through Postgres text", async () => {
    const sql = neon(db.url);
    const when = new Date("2024-02-29T12:34:56.789Z");
    const doc = { nested: { list: [1, "two", null], ok: true } };
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const [row] = await sql`
      SELECT ${42}::int AS i, ${"héllo 'quoted' \\ ✓"}::text AS t, ${true}::bool AS b,
             ${when}::timestamptz AS ts, ${JSON.stringify(doc)}::jsonb AS j, ${bytes}::bytea AS bin,
             ${[1, 2, 3]}::int[] AS ints, ${["a", "b,c", 'd"e']}::text[] AS texts,
             ${null}::text AS nothing, 9007199254740993::int8 AS big, 1.5::numeric AS num`;
    expect(row).toEqual({
      i: 42,
      t: "héllo 'quoted' \\ ✓",
      b: true,
      ts: when,
      j: doc,
      bin: bytes,
      ints: [1, 2, 3],
      texts: ["a", "b,c", 'd"e'],
      nothing: null,
      // int8 and numeric stay strings with the driver's default parsers: proves raw text.
      big: "9007199254740993",
      num: "1.5",
    });
  });

  it("supports fullResults and arrayMode", async () => {
    const sql = neon(db.url, { fullResults: true, arrayMode: true });
    const result = await sql`SELECT 1::int AS one, 'x'::text AS two UNION ALL SELECT 2, NULL`;
    expect(result.rows).toEqual([
      [1, "x"],
      [2, null],
    ]);
    expect(result.command).toBe("SELECT");
    expect(result.rowCount).toBe(2);
    expect(result.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ["one", 23],
      ["two", 25],
    ]);

    const insert = await neon(db.url, { fullResults: true }).query(
      "INSERT INTO accounts VALUES ($1, $2, $3), ($4, $5, $6)",
      [100, "a@x", 1, 101, "b@x", 2],
    );
    expect(insert.command).toBe("INSERT");
    expect(insert.rowCount).toBe(2);
  });

  it("commits a transaction batch and returns one result per query", async () => {
    const sql = neon(db.url);
    const [inserted, counted] = await sql.transaction(
      [
        sql`INSERT INTO accounts VALUES (1, 'one@x', 10), (2, 'two@x', 0) RETURNING id`,
        sql`SELECT count(*)::int AS n FROM accounts WHERE id IN (1, 2)`,
      ],
      { isolationLevel: "Serializable", readOnly: false, deferrable: false },
    );
    expect(inserted).toEqual([{ id: 1 }, { id: 2 }]);
    expect(counted).toEqual([{ n: 2 }]);
    expect(await sql`SELECT balance FROM accounts WHERE id = 1`).toEqual([{ balance: 10 }]);
  });

  it("rolls a failing batch back completely", async () => {
    const sql = neon(db.url);
    const failing = sql.transaction([
      sql`UPDATE accounts SET balance = balance + 5 WHERE id = 2`,
      sql`INSERT INTO accounts VALUES (3, 'three@x', 3)`,
      sql`UPDATE accounts SET balance = balance - 100 WHERE id = 1`, // violates CHECK
    ]);
    await expect(failing).rejects.toMatchObject({
      name: "NeonDbError",
      code: "23514",
      constraint: "accounts_balance_check",
    });
    expect(await sql`SELECT id, balance FROM accounts WHERE id IN (1, 2, 3) ORDER BY id`).toEqual([
      { id: 1, balance: 10 },
      { id: 2, balance: 0 },
    ]);
  });

  it("honours read-only batches", async () => {
    const sql = neon(db.url);
    const attempt = sql.transaction([sql`INSERT INTO accounts VALUES (4, 'four@x', 4)`], {
      readOnly: true,
    });
    await expect(attempt).rejects.toMatchObject({ code: "25006" }); // read_only_sql_transaction
    expect(await sql`SELECT count(*)::int AS n FROM accounts WHERE id = 4`).toEqual([{ n: 0 }]);
  });

  it("surfaces Postgres errors as NeonDbError with their fields", async () => {
    const sql = neon(db.url);
    const error = await sql`SELEC 1`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ code: "42601", severity: "ERROR", position: "1" });
    expect((error as NeonDbError).message).toMatch(/syntax error at or near "SELEC"/);

    const dup = await sql`INSERT INTO accounts VALUES (1, 'dup@x', 0)`.catch((e: unknown) => e);
    expect(dup).toMatchObject({ code: "23505", table: "accounts", constraint: "accounts_pkey" });
    expect((dup as NeonDbError).detail).toMatch(/Key \(id\)=\(1\) already exists/);
  });

  it("rejects several statements in one query, like Neon's prepared statements", async () => {
    const sql = neon(db.url);
    await expect(sql.query("SELECT 1; SELECT 2")).rejects.toMatchObject({ code: "42601" });
  });

  it("does not leak an open transaction into the next request", async () => {
    const sql = neon(db.url);
    await sql`BEGIN`;
    await sql`INSERT INTO accounts VALUES (50, 'fifty@x', 50)`;
    // With a leaked BEGIN, this insert would sit uncommitted in the pooled connection
    // and be invisible to a separate connection.
    const direct = new pg.Client({ connectionString: db.url });
    await direct.connect();
    try {
      const { rows } = await direct.query("SELECT count(*)::int AS n FROM accounts WHERE id = 50");
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await direct.end();
    }
  });

  it("ignores the client-side TLS parameters of production Neon URLs", async () => {
    // The local server has no TLS; sslmode=require would otherwise make pg refuse.
    const sql = neon(`${db.url}?sslmode=require&channel_binding=require`);
    expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  });

  it("reports a connection failure as a NeonDbError", async () => {
    const sql = neon("postgresql://postgres@127.0.0.1:1/nowhere");
    await expect(sql`SELECT 1`).rejects.toMatchObject({
      name: "NeonDbError",
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});

describe("drizzle-orm/neon-http through the bridge", () => {
  const users = pgTable("drizzle_users", {
    id: serial("id").primaryKey(),
    email: text("email").notNull(),
    logins: integer("logins").notNull().default(0),
    profile: jsonb("profile").$type<{ name: string; tags: string[] }>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  });

  it("inserts, selects, updates and batches", async () => {
    const sql = neon(db.url);
    await sql`CREATE TABLE drizzle_users (id serial PRIMARY KEY, email text NOT NULL, logins int NOT NULL DEFAULT 0, profile jsonb, created_at timestamptz NOT NULL DEFAULT now())`;
    const orm = drizzle({ client: sql });

    const [created] = await orm
      .insert(users)
      .values({ email: "ada@example.com", profile: { name: "Ada", tags: ["admin"] } })
      .returning();
    expect(created).toMatchObject({
      email: "ada@example.com",
      logins: 0,
      profile: { name: "Ada", tags: ["admin"] },
    });
    expect(created?.createdAt).toBeInstanceOf(Date);

    await orm.update(users).set({ logins: 3 }).where(eq(users.email, "ada@example.com"));
    const found = await orm
      .select({ id: users.id, logins: users.logins })
      .from(users)
      .where(eq(users.id, created?.id ?? -1));
    expect(found).toEqual([{ id: created?.id, logins: 3 }]);

    const [, all] = await orm.batch([
      orm.insert(users).values({ email: "bob@example.com" }),
      orm.select({ email: users.email }).from(users).orderBy(users.id),
    ]);
    expect(all).toEqual([{ email: "ada@example.com" }, { email: "bob@example.com" }]);
  });
});
