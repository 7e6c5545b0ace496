// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { z } from "zod";
import { ConfigError, defineConfigPart } from "../../core-config.ts";

export interface PasskeysConfig {
  /** WebAuthn Relying Party ID: a registrable domain (never an IP), e.g. `example.com`. */
  rpId: string;
  /** Shown by the authenticator when a passkey is made. */
  rpName: string;
  /** Exact origins a ceremony may come from (clientDataJSON.origin). */
  origins: readonly string[];
}

declare module "../../core-config.ts" {
  interface FeatureConfigs {
    passkeys: PasskeysConfig;
  }
}

/** RFC 1035 host name labels; WebAuthn refuses IP addresses as RP IDs. */
const RP_ID =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const passkeysConfig = defineConfigPart({
  name: "passkeys",
  variables: {
    WEBAUTHN_RP_ID: z
      .string()
      .regex(RP_ID, "a lowercase host name (WebAuthn refuses IP addresses)")
      .refine((v) => !/^\d+(\.\d+){3}$/.test(v), "not an IP address"),
    WEBAUTHN_RP_NAME: z.string().min(1).max(64),
    WEBAUTHN_ORIGINS: z.string().min(1),
  },
  build(e) {
    const origins: string[] = [];
    for (const raw of e.WEBAUTHN_ORIGINS.split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError({ WEBAUTHN_ORIGINS: "must be comma-separated origins" });
      }
      const host = url.hostname;
      // W3C WebAuthn §5.1.4: the RP ID must be the origin's host or a registrable suffix of it.
      if (
        url.origin !== raw ||
        !(host === e.WEBAUTHN_RP_ID || host.endsWith(`.${e.WEBAUTHN_RP_ID}`))
      ) {
        throw new ConfigError({
          WEBAUTHN_ORIGINS:
            "must be exact origins whose host is WEBAUTHN_RP_ID or a subdomain of it",
        });
      }
      origins.push(url.origin);
    }
    return { passkeys: { rpId: e.WEBAUTHN_RP_ID, rpName: e.WEBAUTHN_RP_NAME, origins } };
  },
});
