import { ConfigError } from "../../core-config";
import { log } from "../../log";
import type { EntryContext } from "../../services";

/** The cron trigger: deletes reset and verification tokens that have expired. */
export async function deleteExpiredRecoveryTokens(
  entry: EntryContext,
  now: number,
): Promise<number> {
  if (entry.config instanceof ConfigError) throw entry.config;
  const services = entry.services(entry.config);
  const deleted = await services.recoveryTokens.deleteExpired(new Date(now));
  log("info", "expired recovery tokens deleted", { deleted });
  return deleted;
}
