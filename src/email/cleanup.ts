import { createDb } from "../adapters/postgres/client";
import { createPostgresRecoveryStore } from "../adapters/postgres/recovery-store";
import { ConfigError, configFromEnv } from "../config";
import { log } from "../log";

/** The cron trigger: deletes reset and verification tokens that have expired. */
export async function deleteExpiredRecoveryTokens(env: Env, now: number): Promise<number> {
  const config = configFromEnv(env);
  if (config instanceof ConfigError) throw config;
  const deleted = await createPostgresRecoveryStore(createDb(config)).deleteExpired(new Date(now));
  log("info", "expired recovery tokens deleted", { deleted });
  return deleted;
}
