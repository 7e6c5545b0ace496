// One local server that lets @neondatabase/serverless talk to an ordinary Postgres:
//   POST /sql          Neon's HTTP query endpoint (neon(), drizzle-orm/neon-http)
//   GET  /v2 (upgrade) Neon's WebSocket proxy (Pool, Client, drizzle-orm/neon-serverless)
//
// Usage (Node or a Worker under test):
//   const bridge = await startNeonBridge({ port: 0 });
//   Object.assign(neonConfig, neonClientSettings(bridge));
//   const sql = neon("postgresql://postgres@127.0.0.1:5432/app");
// The connection string's host/port are where the bridge connects; the
// map* hooks can redirect them (e.g. everything to an embedded PGlite).
import { createServer } from "node:http";
import type { NeonConfig } from "@neondatabase/serverless";
import { closeServer, listen, sendJson, urlHost } from "./http-server.ts";
import { createNeonHttpHandler } from "./neon-http.ts";
import { attachNeonWsRelay, type TcpAddress } from "./neon-ws.ts";
import { createPgPoolRegistry } from "./pg-pools.ts";

export interface NeonBridgeOptions {
  /** Interface to bind; defaults to loopback because the relay connects wherever clients ask. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * Rewrites the Neon-Connection-String of HTTP queries before connecting. TLS
   * parameters (sslmode, channel_binding, ...) are already removed: they describe
   * the client's hop to Neon, not the bridge's hop to the local server.
   */
  mapConnectionString?: (connectionString: string) => string;
  /** Rewrites the database address of WebSocket connections before connecting. */
  mapAddress?: (host: string, port: number) => TcpAddress;
  /** Pool size per distinct database for HTTP queries (default 5; PGlite wants 1). */
  maxConnectionsPerDatabase?: number;
}

export interface NeonBridge {
  port: number;
  /** For `neonConfig.fetchEndpoint`, e.g. "http://127.0.0.1:PORT/sql". */
  fetchEndpoint: string;
  /** For `neonConfig.wsProxy`, e.g. "127.0.0.1:PORT/v2" (the driver appends ?address=). */
  wsProxy: string;
  close(): Promise<void>;
}

const SQL_PATH = "/sql";
const WS_PATH = "/v2";

export async function startNeonBridge(options: NeonBridgeOptions = {}): Promise<NeonBridge> {
  const host = options.host ?? "127.0.0.1";
  const pools = createPgPoolRegistry({
    mapConnectionString: options.mapConnectionString,
    maxConnectionsPerDatabase: options.maxConnectionsPerDatabase,
  });
  const handleSql = createNeonHttpHandler(pools);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === SQL_PATH) {
      void handleSql(req, res);
    } else {
      sendJson(res, 404, { message: `no such endpoint: ${path}; queries go to ${SQL_PATH}` });
    }
  });
  const relay = attachNeonWsRelay(server, { path: WS_PATH, mapAddress: options.mapAddress });
  const port = await listen(server, host, options.port ?? 0);
  const authority = `${urlHost(host)}:${port}`;

  return {
    port,
    fetchEndpoint: `http://${authority}${SQL_PATH}`,
    wsProxy: `${authority}${WS_PATH}`,
    async close() {
      await relay.close();
      await closeServer(server);
      await pools.close();
    },
  };
}

/** The neonConfig values a client needs to reach the bridge instead of Neon. */
export interface NeonClientSettings {
  fetchEndpoint: string;
  wsProxy: string;
  useSecureWebSocket: false;
  pipelineConnect: false;
  pipelineTLS: false;
  forceDisablePgSSL: true;
}

/**
 * Apply with `Object.assign(neonConfig, neonClientSettings(bridge))` (neonConfig's
 * static setters run) or pass the non-global ones per Pool/Client.
 * Why each value is needed is explained in neon-ws.ts.
 */
export function neonClientSettings(
  bridge: Pick<NeonBridge, "fetchEndpoint" | "wsProxy">,
): NeonClientSettings {
  const settings = {
    fetchEndpoint: bridge.fetchEndpoint,
    wsProxy: bridge.wsProxy,
    useSecureWebSocket: false,
    pipelineConnect: false,
    pipelineTLS: false,
    forceDisablePgSSL: true,
  } as const;
  return settings satisfies Partial<NeonConfig>;
}
