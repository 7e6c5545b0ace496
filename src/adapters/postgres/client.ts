import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { Config } from "../../core-config";
import * as schema from "./schema";

export type Db = NeonHttpDatabase<typeof schema>;

// Local bridge endpoints by the database's "host:port" (dev and tests only).
const bridgeEndpoints = new Map<string, string>();

// Each registered database URL's "host:port".
const hostKeys = new Map<string, string>();

const hostKey = (hostname: string, port: string | number) => `${hostname}:${port}`;

/**
 * Points the Neon driver at the project's local bridge (dev and tests only).
 * neonConfig.fetchEndpoint is process-wide and read when a query runs, so it is
 * set once to a function of the database's host and port: two configurations
 * in one isolate (tests point single requests at a stopped bridge) can then
 * never redirect each other's queries. In production this is never set.
 */
export function registerLocalBridge(databaseUrl: string, fetchEndpoint: string): void {
  // Every request registers its configuration's bridge, so each URL is parsed
  // once: a URL is a runtime object the GC sweeps in its pause (bench/README.md).
  let key = hostKeys.get(databaseUrl);
  if (key === undefined) {
    const url = new URL(databaseUrl);
    key = hostKey(url.hostname, url.port);
    hostKeys.set(databaseUrl, key);
  }
  bridgeEndpoints.set(key, fetchEndpoint);
  neonConfig.fetchEndpoint = bridgeFor;
}

/** The bridge registered for a database's host and port (Neon's `fetchEndpoint`). */
function bridgeFor(host: string, port: number | string): string {
  const endpoint = bridgeEndpoints.get(hostKey(host, port));
  if (!endpoint) throw new Error("no local Neon bridge for this database host");
  return endpoint;
}

/**
 * Databases already built in this isolate, by configuration (configFromEnv
 * hands every request of one environment the same object). Building one walks
 * the whole schema; sharing it is safe because it holds no I/O object: Neon's
 * HTTP query function opens no connection, and each query's `fetch` runs in
 * the request that awaits it. A cache of a stateless client, not a lock.
 */
const isolateDbs = new WeakMap<Config, Db>();

/**
 * A drizzle database over Neon's HTTP path: each statement or batch is one
 * round trip from the edge, and no connection outlives the request. (Every write is
 * one statement or a batch, so the Worker needs no WebSocket Pool; the
 * WebSocket bridge in dev/ serves tools that do.)
 */
export function createDb(cfg: Config): Db {
  // Registered on every call, as before the cache: the last configuration to
  // ask names the bridge for its database host (a map write, no I/O).
  if (cfg.neonBridge) registerLocalBridge(cfg.databaseUrl, cfg.neonBridge.fetchEndpoint);
  let db = isolateDbs.get(cfg);
  if (!db) {
    db = drizzle({ client: neon(cfg.databaseUrl), schema });
    isolateDbs.set(cfg, db);
  }
  return db;
}
