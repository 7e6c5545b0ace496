// One small `pg` pool per distinct target database.
//
// The Neon HTTP endpoint receives the connection string with every request,
// so pools are created lazily and keyed by the (mapped) connection string.

import type { Pool } from "pg";
import pg from "pg";
import { withoutClientTlsParams } from "./connection-string.ts";

export interface PgPoolRegistryOptions {
  /**
   * Rewrites the connection string a client sent (e.g. to point at PGlite). It
   * receives the string without TLS parameters (see connection-string.ts); add
   * them back here if the target server really wants TLS.
   */
  mapConnectionString?: (connectionString: string) => string;
  /** Upper bound of server connections per database; PGlite wants 1. */
  maxConnectionsPerDatabase?: number;
}

export interface PgPoolRegistry {
  poolFor(connectionString: string): Pool;
  close(): Promise<void>;
}

export function createPgPoolRegistry(options: PgPoolRegistryOptions = {}): PgPoolRegistry {
  const mapConnectionString = options.mapConnectionString ?? ((cs: string) => cs);
  const max = options.maxConnectionsPerDatabase ?? 5;
  const pools = new Map<string, Pool>();

  return {
    poolFor(connectionString) {
      const target = mapConnectionString(withoutClientTlsParams(connectionString));
      let pool = pools.get(target);
      if (!pool) {
        // Bounded waits: a server that stops answering (tests stop one on purpose)
        // must fail the bridged request, never hold it and its caller forever.
        pool = new pg.Pool({
          connectionString: target,
          max,
          idleTimeoutMillis: 30_000,
          connectionTimeoutMillis: 5_000,
          query_timeout: 30_000,
        });
        // An idle client losing its server must not crash the dev process;
        // the pool drops that client and the next request opens a new one.
        pool.on("error", () => {});
        pools.set(target, pool);
      }
      return pool;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.end()));
    },
  };
}
