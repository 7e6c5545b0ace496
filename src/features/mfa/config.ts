// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { z } from "zod";
import { ConfigError, defineConfigPart, rate } from "../../core-config.ts";
import { KEY_LIST_RULE, type KeyListEntry, parseKeyList } from "../../key-list.ts";

export interface MfaConfig {
  /**
   * Keys that encrypt TOTP secrets at rest and key the recovery-code hashes
   * (MFA_ENCRYPTION_KEYS); the first is used for new ones, all still open
   * theirs. Empty = enrollment off (the login step still asks enrolled users).
   */
  keys: readonly KeyListEntry[];
  /** A social login counts as the second factor too (MFA_TRUST_OAUTH). */
  trustOAuth: boolean;
  /** The issuer an authenticator app shows next to the account (otpauth URI). */
  issuer: string;
}

declare module "../../core-config.ts" {
  interface FeatureConfigs {
    mfa: MfaConfig;
  }
}

declare module "../../ports.ts" {
  interface LimitBucketRegistry {
    mfa_account: true;
  }
}

export const mfaConfig = defineConfigPart({
  name: "mfa",
  variables: {
    MFA_ENCRYPTION_KEYS: z.string().optional(),
    MFA_TRUST_OAUTH: z.enum(["true", "false"]),
    MFA_ISSUER: z
      .string()
      .regex(/^[\x20-\x39\x3b-\x7e]{1,64}$/, "1–64 printable characters, no colon"),
    RATE_LIMIT_MFA_PER_ACCOUNT: rate,
  },
  limits: { mfa_account: "RATE_LIMIT_MFA_PER_ACCOUNT" },
  build(e) {
    let keys: KeyListEntry[] = [];
    if (e.MFA_ENCRYPTION_KEYS !== undefined) {
      const parsed = parseKeyList(e.MFA_ENCRYPTION_KEYS);
      if (parsed === null) throw new ConfigError({ MFA_ENCRYPTION_KEYS: KEY_LIST_RULE });
      keys = parsed;
    }
    return {
      mfa: { keys, trustOAuth: e.MFA_TRUST_OAUTH === "true", issuer: e.MFA_ISSUER },
    };
  },
});
