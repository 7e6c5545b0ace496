// Neon's HTTP SQL endpoint ("/sql") in front of an ordinary Postgres server.
//
// `neon()` from @neondatabase/serverless (and drizzle-orm/neon-http on top of it)
// POSTs each query, or a batch for `sql.transaction([...])`, to
// `neonConfig.fetchEndpoint`. Headers it sends (driver 1.2.0):
//   Neon-Connection-String      the full postgresql:// URL (with ?application_name=…)
//   Neon-Raw-Text-Output: true  values must come back as Postgres text
//   Neon-Array-Mode: true       rows as arrays; the driver maps names via `fields`
//   Neon-Batch-Isolation-Level / -Read-Only / -Deferrable   batch transaction options
//   Authorization: Bearer …     only with `authToken` (Neon RLS/JWT): ignored here
// Wire shapes are documented in neon-http-wire.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CustomTypesConfig, Pool, PoolClient, QueryArrayConfig, QueryArrayResult } from "pg";
import { BodyTooLargeError, readBody, sendJson } from "./http-server.ts";
import {
  BadRequestError,
  type NeonQueryResult,
  type NeonSqlQuery,
  parseNeonRequestBody,
  toNeonErrorBody,
  toNeonQueryResult,
} from "./neon-http-wire.ts";
import type { PgPoolRegistry } from "./pg-pools.ts";

/** Hands every column back as the text Postgres sent (null stays null: pg never parses nulls). */
const RAW_TEXT_TYPES: CustomTypesConfig = {
  getTypeParser: () => (value: string) => value,
};

/** Driver isolation level names → SQL. Anything else is rejected (it lands in SQL text). */
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

export type NeonHttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createNeonHttpHandler(pools: PgPoolRegistry): NeonHttpHandler {
  return async (req, res) => {
    try {
      if (req.method !== "POST") {
        sendJson(res, 405, { message: "the Neon SQL endpoint only accepts POST" });
        return;
      }
      const connectionString = header(req, "neon-connection-string");
      if (!connectionString) throw new BadRequestError("missing Neon-Connection-String header");
      const body = parseNeonRequestBody(await readBody(req));
      // Absent header means object rows, like Neon; the driver always sends "true".
      const arrayMode = header(req, "neon-array-mode") === "true";
      const begin = body.kind === "batch" ? beginStatement(req) : "";
      const pool = pools.poolFor(connectionString);
      const reply = await withClient(pool, async (client, discard) => {
        if (body.kind === "batch") {
          return { results: await runBatch(client, begin, body.queries, arrayMode, discard) };
        }
        const result = await runQuery(client, body.query, arrayMode);
        await leaveNoOpenTransaction(client);
        return result;
      });
      sendJson(res, 200, reply);
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400;
      if (!res.headersSent) sendJson(res, status, toNeonErrorBody(error));
    }
  };
}

async function runQuery(
  client: PoolClient,
  query: NeonSqlQuery,
  arrayMode: boolean,
): Promise<NeonQueryResult> {
  // Extended protocol always (pg would use the simple protocol for parameterless
  // queries): Neon's endpoint prepares every statement, so "SELECT 1; SELECT 2"
  // must fail here exactly as it does in production.
  const config: QueryArrayConfig & { queryMode: "extended" } = {
    text: query.query,
    values: query.params,
    rowMode: "array",
    types: RAW_TEXT_TYPES,
    queryMode: "extended",
  };
  const result: QueryArrayResult = await client.query(config);
  return toNeonQueryResult(result, arrayMode);
}

/**
 * Lends a pooled connection. `discard` marks it as unusable (unknown transaction
 * state), so the pool destroys it instead of handing it to the next request.
 */
async function withClient<T>(
  pool: Pool,
  use: (client: PoolClient, discard: (reason: Error) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let discardReason: Error | undefined;
  try {
    return await use(client, (reason) => {
      discardReason = reason;
    });
  } catch (error) {
    // Also covers a failed ROLLBACK in leaveNoOpenTransaction.
    if (client.getTransactionStatus() !== "I") discardReason ??= error as Error;
    throw error;
  } finally {
    client.release(discardReason);
  }
}

/** Runs a batch atomically; on any failure rolls back and rethrows the first error. */
async function runBatch(
  client: PoolClient,
  begin: string,
  queries: NeonSqlQuery[],
  arrayMode: boolean,
  discard: (reason: Error) => void,
): Promise<NeonQueryResult[]> {
  await client.query(begin);
  try {
    const results: NeonQueryResult[] = [];
    for (const query of queries) results.push(await runQuery(client, query, arrayMode));
    await client.query("COMMIT");
    return results;
  } catch (error) {
    // After a failed COMMIT the transaction is already over and ROLLBACK only warns.
    await client.query("ROLLBACK").catch(discard);
    throw error;
  }
}

/**
 * Each HTTP query is standalone on Neon. If a lone "BEGIN" (or a failed statement
 * inside one) left the pooled connection in a transaction, roll it back so the
 * next request does not inherit it.
 */
async function leaveNoOpenTransaction(client: PoolClient): Promise<void> {
  if (client.getTransactionStatus() !== "I") await client.query("ROLLBACK");
}

function beginStatement(req: IncomingMessage): string {
  const parts = ["BEGIN"];
  const level = header(req, "neon-batch-isolation-level");
  if (level !== undefined) {
    const sqlLevel = ISOLATION_LEVELS[level];
    if (!sqlLevel) throw new BadRequestError(`unknown Neon-Batch-Isolation-Level: ${level}`);
    parts.push(`ISOLATION LEVEL ${sqlLevel}`);
  }
  const readOnly = header(req, "neon-batch-read-only");
  if (readOnly !== undefined) parts.push(readOnly === "true" ? "READ ONLY" : "READ WRITE");
  const deferrable = header(req, "neon-batch-deferrable");
  if (deferrable !== undefined) parts.push(deferrable === "true" ? "DEFERRABLE" : "NOT DEFERRABLE");
  return parts.join(" ");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
