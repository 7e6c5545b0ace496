import { createServices } from "../../composition-root";
import { ConfigError, configFromEnv } from "../../config";
import { log } from "../../log";

/** The cron trigger: deletes reset and verification tokens that have expired. */
export async function deleteExpiredRecoveryTokens(
  env: Env,
  ctx: ExecutionContext,
  now: number,
): Promise<number> {
  const config = configFromEnv(env);
  if (config instanceof ConfigError) throw config;
  const services = createServices(config, env, {
    waitUntil: (p) => ctx.waitUntil(p),
    requestId: null,
    ip: null,
    userAgent: null,
  });
  const deleted = await services.recoveryTokens.deleteExpired(new Date(now));
  log("info", "expired recovery tokens deleted", { deleted });
  return deleted;
}
