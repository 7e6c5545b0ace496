// Values the global setup hands to tests (`inject(...)`), typed for both projects.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
    databaseUrl: string;
    redisUrl: string;
    /** Bridges that outage tests stop and start (dev/stack/outage-bridges.ts). */
    outage: { neonFetchEndpoint: string; upstashUrl: string; controlUrl: string };
    /** POST {url}/stop|start: the Postgres audit chain heads write to (dev/stack/postgres-outage-proxy.ts). */
    auditPostgresControlUrl: string;
    /** The local identity providers by id (google, linkedin, acme, github): their base URLs. */
    oauthProviders: Record<string, string>;
  }
}
