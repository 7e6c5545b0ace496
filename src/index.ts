import { app } from "./app";

export { AuditHead } from "./adapters/durable-objects/audit-head";
export { RefreshFamily } from "./adapters/durable-objects/refresh-family";
export { AuthService, type VerifyOutcome } from "./rpc";

/** The Worker: HTTP through Hono; Durable Objects and RPC entrypoints are exported here. */
export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
