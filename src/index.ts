import { app } from "./app";

export { AuditHead } from "./adapters/durable-objects/audit-head";
export { RefreshFamily } from "./adapters/durable-objects/refresh-family";
export { AuthService, type VerifyOutcome } from "./rpc";

import { deleteExpiredRecoveryTokens } from "./email/cleanup";
import { consumeMailBatch } from "./email/consumer";

/** The Worker: HTTP through Hono; Durable Objects and RPC entrypoints are exported here. */
export default {
  fetch: app.fetch,
  queue: (batch, env, ctx) => consumeMailBatch(batch, env, ctx),
  scheduled: async (controller, env, ctx) => {
    await deleteExpiredRecoveryTokens(env, ctx, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, unknown>;
