// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { z } from "zod";
import { defineConfigPart, int } from "../../core-config.ts";

/** The carve-out from the legacy monolith (docs/migration.md). */
export interface LegacyConfig {
  /** Epoch ms until which legacy sessions may be exchanged (cutover + window); undefined = off. */
  sessionDeadlineMs: number | undefined;
  /** The name of the monolith's session cookie. */
  sessionCookie: string;
}

declare module "../../core-config.ts" {
  interface FeatureConfigs {
    legacy: LegacyConfig;
  }
}

export const legacyConfig = defineConfigPart({
  name: "legacy",
  variables: {
    // Unset = legacy session exchange off (docs/migration.md).
    LEGACY_CUTOVER_AT: z.iso.datetime({ offset: true }).optional(),
    LEGACY_SESSION_WINDOW_DAYS: int(1, 365),
    // An RFC 6265 §4.1.1 cookie-name token.
    LEGACY_SESSION_COOKIE: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/),
  },
  build(e) {
    return {
      legacy: {
        sessionDeadlineMs:
          e.LEGACY_CUTOVER_AT === undefined
            ? undefined
            : Date.parse(e.LEGACY_CUTOVER_AT) + e.LEGACY_SESSION_WINDOW_DAYS * 86_400_000,
        sessionCookie: e.LEGACY_SESSION_COOKIE,
      },
    };
  },
});
