// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { z } from "zod";
import { ConfigError, defineConfigPart, int, postgresUrl } from "../../core-config.ts";
import { KEY_LIST_RULE, parseKeyList } from "../../key-list.ts";
import type { AuditKey } from "./chain.ts";
import { MAX_SHARDS } from "./shard.ts";

export interface AuditConfig {
  /** HMAC keys by id (AUDIT_HMAC_KEYS); the first signs new records, all verify. */
  keys: readonly AuditKey[];
  /** How many chain heads (Durable Objects) events are spread over. */
  shards: number;
  /** Where chain heads write: AUDIT_DATABASE_URL, else DATABASE_URL. */
  databaseUrl: string;
}

declare module "../../core-config.ts" {
  interface FeatureConfigs {
    audit: AuditConfig;
  }
}

export const auditConfig = defineConfigPart({
  name: "audit",
  variables: {
    // The core's too: chain heads write there unless AUDIT_DATABASE_URL is set.
    DATABASE_URL: postgresUrl,
    AUDIT_HMAC_KEYS: z.string().min(1),
    AUDIT_SHARDS: int(1, MAX_SHARDS),
    AUDIT_DATABASE_URL: postgresUrl.optional(),
  },
  build(e) {
    const keys = parseKeyList(e.AUDIT_HMAC_KEYS);
    if (keys === null) throw new ConfigError({ AUDIT_HMAC_KEYS: KEY_LIST_RULE });
    return {
      audit: {
        keys,
        shards: e.AUDIT_SHARDS,
        databaseUrl: e.AUDIT_DATABASE_URL ?? e.DATABASE_URL,
      },
    };
  },
});
