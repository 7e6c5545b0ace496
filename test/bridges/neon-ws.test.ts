import { Client, neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NeonBridge, neonClientSettings, startNeonBridge } from "../../dev/bridges/neon.ts";
import { parseAddress } from "../../dev/bridges/neon-ws.ts";
import { createTestDatabase, type TestDatabase } from "./support/postgres.ts";

let db: TestDatabase;
let bridge: NeonBridge;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  bridge = await startNeonBridge({ port: 0 });
  Object.assign(neonConfig, neonClientSettings(bridge));
  pool = new Pool({ connectionString: db.url, max: 5 });
  await pool.query("CREATE TABLE seats (id int PRIMARY KEY, holder text)");
  await pool.query("INSERT INTO seats VALUES (1, NULL), (2, NULL)");
});

afterAll(async () => {
  await pool?.end();
  await bridge?.close();
  await db?.drop();
});

describe("Neon WebSocket relay with the driver's Pool", () => {
  it("runs queries with parameters and typed results", async () => {
    const { rows } = await pool.query("SELECT $1::int + 1 AS n, $2::jsonb AS j, now() AS t", [
      41,
      { a: [1] },
    ]);
    expect(rows[0].n).toBe(42);
    expect(rows[0].j).toEqual({ a: [1] });
    expect(rows[0].t).toBeInstanceOf(Date);
  });

  it("holds row locks across an interactive transaction", async () => {
    const owner = await pool.connect();
    const rival = await pool.connect();
    try {
      await owner.query("BEGIN");
      const { rows } = await owner.query("SELECT holder FROM seats WHERE id = 1 FOR UPDATE");
      expect(rows).toEqual([{ holder: null }]);
      // A second session over its own WebSocket must see the lock.
      await expect(
        rival.query("SELECT 1 FROM seats WHERE id = 1 FOR UPDATE NOWAIT"),
      ).rejects.toMatchObject({
        code: "55P03",
      });
      await owner.query("UPDATE seats SET holder = $1 WHERE id = 1", ["ada"]);
      await owner.query("COMMIT");
      const after = await rival.query("SELECT holder FROM seats WHERE id = 1 FOR UPDATE NOWAIT");
      expect(after.rows).toEqual([{ holder: "ada" }]);
    } finally {
      owner.release();
      rival.release();
    }
  });

  it("gives concurrent clients separate server sessions", async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
    try {
      const pids = await Promise.all(
        clients.map(
          async (client) => (await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid,
        ),
      );
      expect(new Set(pids).size).toBe(4);
    } finally {
      for (const client of clients) client.release();
    }
  });

  it("leaves nothing behind after ROLLBACK", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("INSERT INTO seats VALUES (3, 'ghost')");
      await client.query("UPDATE seats SET holder = 'ghost' WHERE id = 2");
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    const { rows } = await pool.query("SELECT id, holder FROM seats ORDER BY id");
    expect(rows).toEqual([
      { id: 1, holder: "ada" },
      { id: 2, holder: null },
    ]);
  });

  it("passes Postgres errors through with their fields", async () => {
    await expect(pool.query("SELEC 1")).rejects.toMatchObject({ code: "42601" });
  });
});

describe("Neon WebSocket relay address handling", () => {
  it("rewrites the target address with mapAddress", async () => {
    const asked: string[] = [];
    const mapped = await startNeonBridge({
      mapAddress: (host, port) => {
        asked.push(`${host}:${port}`);
        return { host: "127.0.0.1", port: 5432 };
      },
    });
    const client = new Client({
      connectionString: db.url.replace("127.0.0.1:5432", "db.example.invalid:6543"),
    });
    client.neonConfig.wsProxy = mapped.wsProxy;
    try {
      await client.connect();
      const { rows } = await client.query("SELECT current_database() AS name");
      expect(rows).toEqual([{ name: db.name }]);
      expect(asked).toEqual(["db.example.invalid:6543"]);
    } finally {
      await client.end();
      await mapped.close();
    }
  });

  it("fails the client promptly when the database is unreachable", async () => {
    const dead = await startNeonBridge({ mapAddress: () => ({ host: "127.0.0.1", port: 1 }) });
    const client = new Client({ connectionString: db.url });
    client.neonConfig.wsProxy = dead.wsProxy;
    client.on("error", () => {});
    try {
      await expect(client.connect()).rejects.toBeDefined();
    } finally {
      await dead.close();
    }
  });

  it("closes open relays when the bridge shuts down", async () => {
    const shortLived = await startNeonBridge();
    const client = new Client({ connectionString: db.url });
    client.neonConfig.wsProxy = shortLived.wsProxy;
    const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
    client.on("error", () => {});
    await client.connect();
    await client.query("SELECT 1");
    await shortLived.close();
    await ended;
    await expect(client.query("SELECT 1")).rejects.toBeDefined();
  });

  it("parses host:port and [ipv6]:port addresses", () => {
    expect(parseAddress("db.local:5432")).toEqual({ host: "db.local", port: 5432 });
    expect(parseAddress("[::1]:6543")).toEqual({ host: "::1", port: 6543 });
    expect(parseAddress("db.local")).toBeUndefined();
    expect(parseAddress("db.local:0")).toBeUndefined();
    expect(parseAddress(null)).toBeUndefined();
  });
});
