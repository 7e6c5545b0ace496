// Zero-install Postgres for `npm run dev`: PGlite (Postgres compiled to WASM)
// served over the Postgres wire protocol on a local port. Dev only: tests always
// use a real PostgreSQL server.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { freePort } from "./ports.ts";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startPglite(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 16 });
  await server.start();
  return {
    // PGlite has a single database and user; the password is ignored.
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
