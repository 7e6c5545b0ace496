import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { Config } from "../../config";
import * as schema from "./schema";

export type Db = NeonHttpDatabase<typeof schema>;

/**
 * Points the Neon driver at the project's local bridge (dev and tests only).
 * neonConfig is the driver's own process-wide setting; every isolate derives the
 * same value from its config, so writing it per request is idempotent.
 */
function applyLocalBridge(cfg: Config): void {
  const bridge = cfg.neonBridge;
  if (!bridge) return;
  neonConfig.fetchEndpoint = bridge.fetchEndpoint;
  if (bridge.wsProxy) {
    const proxy = bridge.wsProxy;
    neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
    neonConfig.forceDisablePgSSL = true;
  }
}

/**
 * A drizzle database over Neon's HTTP path: each statement or batch is one
 * round trip from the edge, and nothing outlives the request.
 */
export function createDb(cfg: Config): Db {
  applyLocalBridge(cfg);
  return drizzle({ client: neon(cfg.databaseUrl), schema });
}
