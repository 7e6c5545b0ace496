import { app } from "./app";

/** The Worker: HTTP through Hono. Durable Objects and RPC entrypoints are exported here too. */
export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
