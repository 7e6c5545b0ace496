// A fresh database per test file on a real PostgreSQL server (found or started
// by dev/stack/postgres.ts, like the worker tests), dropped afterwards.
import { createFreshDatabase, findOrStartPostgres } from "../../../dev/stack/postgres.ts";

export interface TestDatabase {
  name: string;
  /** postgresql:// URL of the fresh database (what the Neon driver is given). */
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await findOrStartPostgres();
  const db = await createFreshDatabase(server, "bridge_test");
  return {
    ...db,
    async drop() {
      await db.drop();
      await server.stop();
    },
  };
}
