import { app } from "./app";

export { RefreshFamily } from "./adapters/durable-objects/refresh-family";
export { AuditHead } from "./features/audit/adapters/audit-head";
export { AuthService, type VerifyOutcome } from "./rpc";

import { consumeMailBatch } from "./features/email/consumer";
import { deleteExpiredRecoveryTokens } from "./features/email/token-cleanup";

/** The Worker: HTTP through Hono; Durable Objects and RPC entrypoints are exported here. */
export default {
  fetch: app.fetch,
  queue: (batch, env, ctx) => consumeMailBatch(batch, env, ctx),
  scheduled: async (controller, env, ctx) => {
    await deleteExpiredRecoveryTokens(env, ctx, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, unknown>;
