// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { z } from "zod";
import { ConfigError, defineConfigPart, int, rate, url } from "../../core-config.ts";

export interface EmailConfig {
  apiUrl: string;
  apiKey: string;
  from: string;
  /** Links in mails point here: `${appBaseUrl}/reset-password?token=…`. */
  appBaseUrl: string;
  /** First retry delay of a failed send; doubles per attempt, at most an hour. */
  retryBaseSeconds: number;
}

declare module "../../core-config.ts" {
  interface FeatureConfigs {
    /** Outgoing mail (Resend's API shape); undefined = EMAIL_API_KEY unset, email flows off. */
    email: EmailConfig | undefined;
    /** Login refuses accounts whose address is not verified (needs email). */
    requireEmailVerification: boolean;
    /** A password reset ends every session of the user. */
    resetRevokesSessions: boolean;
  }
}

declare module "../../ports.ts" {
  interface LimitBucketRegistry {
    email_ip: true;
    email_address: true;
  }
}

export const emailConfig = defineConfigPart({
  name: "email",
  variables: {
    RATE_LIMIT_EMAIL_PER_IP: rate,
    RATE_LIMIT_EMAIL_PER_ADDRESS: rate,
    EMAIL_API_URL: url,
    EMAIL_API_KEY: z.string().min(8).max(256).optional(),
    // RFC 5322 mailbox: `addr@example.com` or `Name <addr@example.com>`; no line breaks.
    EMAIL_FROM: z.string().regex(/^[^\r\n<>]*<?[^\s@<>]+@[^\s@<>]+>?$/),
    APP_BASE_URL: url,
    EMAIL_RETRY_BASE_SECONDS: int(0, 3600),
    REQUIRE_EMAIL_VERIFICATION: z.enum(["true", "false"]),
    RESET_REVOKES_SESSIONS: z.enum(["true", "false"]),
  },
  limits: {
    email_ip: "RATE_LIMIT_EMAIL_PER_IP",
    email_address: "RATE_LIMIT_EMAIL_PER_ADDRESS",
  },
  build(e) {
    // Requiring verification without a way to send the mail would lock everyone out.
    if (e.REQUIRE_EMAIL_VERIFICATION === "true" && !e.EMAIL_API_KEY)
      throw new ConfigError({
        EMAIL_API_KEY: "must be set while REQUIRE_EMAIL_VERIFICATION is true",
      });
    return {
      email: e.EMAIL_API_KEY
        ? {
            apiUrl: e.EMAIL_API_URL,
            apiKey: e.EMAIL_API_KEY,
            from: e.EMAIL_FROM,
            appBaseUrl: e.APP_BASE_URL.replace(/\/+$/, ""),
            retryBaseSeconds: e.EMAIL_RETRY_BASE_SECONDS,
          }
        : undefined,
      requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION === "true",
      resetRevokesSessions: e.RESET_REVOKES_SESSIONS === "true",
    };
  },
});
