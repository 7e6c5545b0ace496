// The dev setup: production-shaped Neon URLs, redirected by the bridge's hooks
// to an embedded PGlite served over the Postgres wire protocol.
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type NeonBridge, neonClientSettings, startNeonBridge } from "../../dev/bridges/neon.ts";
import { freePort } from "../../dev/stack/ports.ts";

// What a real Neon DATABASE_URL looks like, TLS parameters included.
const NEON_URL =
  "postgresql://app:secret@ep-quiet-1.eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require";

let pglite: PGlite;
let socketServer: PGLiteSocketServer;
let bridge: NeonBridge;

beforeAll(async () => {
  pglite = await PGlite.create();
  const port = await freePort();
  // One for the HTTP pool (maxConnectionsPerDatabase: 1) plus WebSocket clients.
  socketServer = new PGLiteSocketServer({ db: pglite, port, host: "127.0.0.1", maxConnections: 4 });
  await socketServer.start();
  bridge = await startNeonBridge({
    mapConnectionString: (cs) => {
      const url = new URL(cs);
      url.host = `127.0.0.1:${port}`;
      return url.toString();
    },
    mapAddress: () => ({ host: "127.0.0.1", port }),
    maxConnectionsPerDatabase: 1,
  });
  Object.assign(neonConfig, neonClientSettings(bridge));
});

afterAll(async () => {
  await bridge?.close();
  await socketServer?.stop();
  await pglite?.close();
});

it("serves neon() and Pool from PGlite through the mapping hooks", async () => {
  const sql = neon(NEON_URL);
  await sql`CREATE TABLE notes (id int PRIMARY KEY, body jsonb NOT NULL)`;
  expect(await sql`INSERT INTO notes VALUES (${1}, ${{ text: "hi" }}) RETURNING *`).toEqual([
    { id: 1, body: { text: "hi" } },
  ]);
  await expect(
    sql.transaction([sql`INSERT INTO notes VALUES (2, '{}')`, sql`SELEC`]),
  ).rejects.toMatchObject({
    code: "42601",
  });
  expect(await sql`SELECT count(*)::int AS n FROM notes`).toEqual([{ n: 1 }]);

  const pool = new Pool({ connectionString: NEON_URL });
  try {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT * FROM notes WHERE id = 1 FOR UPDATE");
      await client.query("UPDATE notes SET body = $1 WHERE id = 1", [{ text: "edited" }]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
  expect(await sql`SELECT body FROM notes WHERE id = 1`).toEqual([{ body: { text: "edited" } }]);
});
