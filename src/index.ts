import { app } from "./app";
import { entryContext } from "./composition-root";
import { configFromEnv } from "./config";
import { features } from "./features";
import { log } from "./log";

export { RefreshFamily } from "./adapters/durable-objects/refresh-family";
export { AuditHead } from "./features/audit/adapters/audit-head";
export { AuthService, type VerifyOutcome } from "./rpc";

/**
 * The Worker: HTTP through Hono; queue batches go to the feature that owns the
 * queue and the cron trigger to every feature that has work for it. Durable
 * Objects and the RPC entrypoint are exported here.
 */
export default {
  fetch: app.fetch,
  queue: async (batch, env, ctx) => {
    const consume = features.find((f) => f.queues?.[batch.queue])?.queues?.[batch.queue];
    if (!consume) {
      // A queue bound in wrangler.jsonc that no feature consumes: keep its messages.
      log("error", "no consumer for queue", { queue: batch.queue });
      batch.retryAll({ delaySeconds: 300 });
      return;
    }
    await consume(batch, entryContext(configFromEnv(env), env, ctx));
  },
  scheduled: async (controller, env, ctx) => {
    const entry = entryContext(configFromEnv(env), env, ctx);
    for (const feature of features) await feature.scheduled?.(entry, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, unknown>;
