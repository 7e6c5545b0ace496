// Relative imports name their `.ts` file so Node (type stripping, no bundler)
// can load this module too: `npm run deploy:check` (scripts/check-deploy.ts)
// validates a deployment with this very parser.
import { z } from "zod";
import { parseSigningKeys, type SigningJwk, SigningKeysError } from "./auth/tokens/signing-jwk.ts";
import type { AuditKey } from "./features/audit/chain.ts";
import { parseAuditKeys } from "./features/audit/keys.ts";
import { MAX_SHARDS } from "./features/audit/shard.ts";
import { log } from "./log.ts";
import type { LimitBucket } from "./ports.ts";

/**
 * Validated, typed configuration. Parsed once per isolate from the Worker's
 * bindings; a missing or malformed value fails closed (every request answers
 * 503 and the log names the variable, never its value). There is deliberately
 * no default for any secret.
 */
export interface Config {
  databaseUrl: string;
  redis: { url: string; token: string };
  /** Local development and tests only: where the project's Neon bridge listens. */
  neonBridge: { fetchEndpoint: string } | undefined;
  issuer: string;
  audience: string;
  realm: string;
  accessTokenTtlSeconds: number;
  accessTokenFormat: "jwt" | "paseto";
  jwksMaxAgeSeconds: number;
  /** Validated Ed25519 private JWKs; the first signs. */
  signingKeys: readonly SigningJwk[];
  refresh: {
    /** Absolute family lifetime from login; no sliding (RFC 9700 §4.14.2). */
    ttlSeconds: number;
    /** 0 = no idle timeout. */
    idleTimeoutSeconds: number;
    /** How long an honest retry of the previous token gets the same successor. */
    reuseGraceSeconds: number;
  };
  /** Per-bucket limits (sliding windows in Redis); see docs/security.md. */
  rateLimits: Record<LimitBucket, { limit: number; windowSeconds: number }>;
  /** Per-client limits count an IPv6 client by this many leading bits of its address. */
  ipv6PrefixBits: number;
  /** NIST SP 800-63B rev 4 §3.2.2: consecutive failed logins before an account is throttled. */
  accountMaxFailures: number;
  /** Cloudflare Turnstile, offered after throttling; undefined = no challenge. */
  turnstile: { secret: string; verifyUrl: string } | undefined;
  /** k-anonymity range API (HIBP shape) for new passwords; undefined = check off. */
  pwnedPasswordsUrl: string | undefined;
  audit: {
    /** HMAC keys by id (AUDIT_HMAC_KEYS); the first signs new records, all verify. */
    keys: readonly AuditKey[];
    /** How many chain heads (Durable Objects) events are spread over. */
    shards: number;
    /** Where chain heads write: AUDIT_DATABASE_URL, else DATABASE_URL. */
    databaseUrl: string;
  };
  /** Key for /v1/admin/* (≥ 32 random bytes); undefined = admin endpoints off. */
  adminApiKey: string | undefined;
  /** Service keys for POST /v1/introspect (RFC 7662 §2.1); empty = endpoint off. */
  introspectionKeys: ReadonlyArray<{ id: string; secret: string }>;
  /** Origins allowed to use cookie-mode refresh (CSRF defence). */
  allowedOrigins: readonly string[];
  /** The carve-out from the legacy monolith (docs/migration.md). */
  legacy: {
    /** Epoch ms until which legacy sessions may be exchanged (cutover + window); undefined = off. */
    sessionDeadlineMs: number | undefined;
    /** The name of the monolith's session cookie. */
    sessionCookie: string;
  };
  /** Outgoing mail (Resend's API shape); undefined = EMAIL_API_KEY unset, email flows off. */
  email: EmailConfig | undefined;
  /** Login refuses accounts whose address is not verified (needs email). */
  requireEmailVerification: boolean;
  /** A password reset ends every session of the user. */
  resetRevokesSessions: boolean;
  password: {
    minLength: number;
    argon2: { memoryKiB: number; iterations: number; parallelism: number };
    /** Pepper keys by id; the first one is used for new hashes. */
    peppers: ReadonlyArray<{ id: string; key: Uint8Array }>;
    maxQueue: number;
  };
}

export interface EmailConfig {
  apiUrl: string;
  apiKey: string;
  from: string;
  /** Links in mails point here: `${appBaseUrl}/reset-password?token=…`. */
  appBaseUrl: string;
  /** First retry delay of a failed send; doubles per attempt, at most an hour. */
  retryBaseSeconds: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  /** The variables at fault: names only, safe for a log line or `/ready`. */
  readonly variables: string[];
  /**
   * Why each variable was refused, stated as the rule it breaks and never
   * quoting the value (the schema's messages name bounds and patterns only).
   * For `npm run deploy:check`; the Worker itself reports names alone.
   */
  readonly problems: Readonly<Record<string, string>>;

  constructor(problems: Record<string, string>) {
    const variables = Object.keys(problems);
    super(`invalid configuration: ${variables.join(", ")}`);
    this.variables = variables;
    this.problems = problems;
  }
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ });
/** `count/seconds`, e.g. `10/900` = 10 per 15 minutes. */
const rate = z
  .string()
  .regex(/^\d{1,7}\/\d{1,7}$/)
  .transform((v) => {
    const [limit, windowSeconds] = v.split("/").map(Number) as [number, number];
    return { limit, windowSeconds };
  })
  .refine((r) => r.limit >= 1 && r.windowSeconds >= 1, "limit and window must be at least 1");

const EnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  UPSTASH_REDIS_REST_URL: url,
  UPSTASH_REDIS_REST_TOKEN: z.string().min(16),
  SIGNING_KEYS: z.string().min(2),
  PASSWORD_PEPPER: z.string().optional(),
  NEON_FETCH_ENDPOINT: url.optional(),
  ISSUER: url,
  AUDIENCE: z.string().min(1),
  AUTH_REALM: z
    .string()
    .regex(/^[\x20-\x7e]+$/)
    .refine((s) => !s.includes('"')),
  ACCESS_TOKEN_TTL_SECONDS: int(30, 86_400),
  ACCESS_TOKEN_FORMAT: z.enum(["jwt", "paseto"]),
  JWKS_MAX_AGE_SECONDS: int(0, 86_400),
  // NIST SP 800-63B rev 4 §3.1.1.2: 15 for single-factor use, never below 8.
  PASSWORD_MIN_LENGTH: int(8, 64),
  ARGON2_MEMORY_KIB: int(19_456, 262_144),
  ARGON2_ITERATIONS: int(1, 10),
  ARGON2_PARALLELISM: int(1, 16),
  HASHING_MAX_QUEUE: int(0, 1_000),
  REFRESH_TOKEN_TTL_SECONDS: int(300, 365 * 86_400),
  REFRESH_IDLE_TIMEOUT_SECONDS: int(0, 365 * 86_400),
  REFRESH_REUSE_GRACE_SECONDS: int(0, 60),
  ALLOWED_ORIGINS: z.string().optional(),
  INTROSPECTION_KEYS: z.string().optional(),
  RATE_LIMIT_LOGIN_PER_IP: rate,
  RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT: rate,
  RATE_LIMIT_REGISTER_PER_IP: rate,
  RATE_LIMIT_TOKEN_PER_IP: rate,
  RATE_LIMIT_INTROSPECT_PER_IP: rate,
  RATE_LIMIT_ADMIN_PER_IP: rate,
  RATE_LIMIT_EMAIL_PER_IP: rate,
  RATE_LIMIT_EMAIL_PER_ADDRESS: rate,
  RATE_LIMIT_IPV6_PREFIX: int(32, 128),
  ACCOUNT_MAX_CONSECUTIVE_FAILURES: int(1, 100),
  EMAIL_API_URL: url,
  EMAIL_API_KEY: z.string().min(8).max(256).optional(),
  // RFC 5322 mailbox: `addr@example.com` or `Name <addr@example.com>`; no line breaks.
  EMAIL_FROM: z.string().regex(/^[^\r\n<>]*<?[^\s@<>]+@[^\s@<>]+>?$/),
  APP_BASE_URL: url,
  EMAIL_RETRY_BASE_SECONDS: int(0, 3600),
  REQUIRE_EMAIL_VERIFICATION: z.enum(["true", "false"]),
  RESET_REVOKES_SESSIONS: z.enum(["true", "false"]),
  PWNED_PASSWORDS_URL: url.optional(),
  TURNSTILE_SECRET_KEY: z.string().min(1).max(256).optional(),
  TURNSTILE_VERIFY_URL: url,
  AUDIT_HMAC_KEYS: z.string().min(1),
  AUDIT_SHARDS: int(1, MAX_SHARDS),
  AUDIT_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  // 32 random bytes are 43 base64url characters.
  ADMIN_API_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{43,256}$/)
    .optional(),
  // Unset = legacy session exchange off (docs/migration.md).
  LEGACY_CUTOVER_AT: z.iso.datetime({ offset: true }).optional(),
  LEGACY_SESSION_WINDOW_DAYS: int(1, 365),
  // An RFC 6265 §4.1.1 cookie-name token.
  LEGACY_SESSION_COOKIE: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/),
});

/** Every variable the Worker reads and whether it must be set (a schema entry that refuses `undefined`). */
export function configVariables(): Array<{ name: string; required: boolean }> {
  return Object.entries(EnvSchema.shape).map(([name, schema]) => ({
    name,
    required: !schema.safeParse(undefined).success,
  }));
}

/** The key-list rule of PASSWORD_PEPPER and AUDIT_HMAC_KEYS (src/features/audit/keys.ts), for ConfigError. */
const KEY_LIST_RULE =
  "must be id:base64key[,id:base64key…], ids distinct, keys of at least 32 bytes";

/**
 * `PASSWORD_PEPPER` is `id:base64key[,id:base64key...]`; the first entry peppers
 * new hashes, the others still verify old ones so the pepper can rotate.
 */
function parsePeppers(raw: string | undefined): Config["password"]["peppers"] | null {
  // The same key-list format and rules as AUDIT_HMAC_KEYS; unset means no pepper.
  return raw === undefined || raw.trim() === "" ? [] : parseAuditKeys(raw);
}

/** `id:secret[,id:secret…]`; secrets of at least 32 characters so they cannot be guessed. */
function parseServiceKeys(raw: string | undefined): Array<{ id: string; secret: string }> | null {
  if (!raw) return [];
  const out: Array<{ id: string; secret: string }> = [];
  for (const part of raw.split(",").map((p) => p.trim())) {
    const match = /^([A-Za-z0-9_-]{1,32}):([\x21-\x7e]{32,256})$/.exec(part);
    if (!match?.[1] || !match[2] || out.some((k) => k.id === match[1])) return null;
    out.push({ id: match[1], secret: match[2] });
  }
  return out;
}

/** Comma-separated exact origins (`https://app.example.com`); no wildcards. */
function parseOrigins(raw: string | undefined): string[] | null {
  if (!raw) return [];
  const out: string[] = [];
  for (const part of raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    try {
      const url = new URL(part);
      if (url.origin !== part || !/^https?:$/.test(url.protocol)) return null;
      out.push(url.origin);
    } catch {
      return null;
    }
  }
  return out;
}

const emptyToUndefined = (env: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "" && v !== undefined));

export function parseConfig(env: Record<string, unknown>): Config {
  const parsed = EnvSchema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) problems[String(issue.path[0])] ??= issue.message;
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const peppers = parsePeppers(e.PASSWORD_PEPPER);
  if (peppers === null) throw new ConfigError({ PASSWORD_PEPPER: KEY_LIST_RULE });
  if (e.ARGON2_MEMORY_KIB < 8 * e.ARGON2_PARALLELISM)
    throw new ConfigError({
      ARGON2_MEMORY_KIB: "must be at least 8 KiB per lane (ARGON2_PARALLELISM)",
    });
  const introspectionKeys = parseServiceKeys(e.INTROSPECTION_KEYS);
  if (introspectionKeys === null)
    throw new ConfigError({
      INTROSPECTION_KEYS:
        "must be id:secret[,id:secret…], ids distinct, secrets of 32–256 characters",
    });
  const allowedOrigins = parseOrigins(e.ALLOWED_ORIGINS);
  if (allowedOrigins === null)
    throw new ConfigError({
      ALLOWED_ORIGINS: "must be comma-separated origins (scheme://host[:port], no path)",
    });
  const auditKeys = parseAuditKeys(e.AUDIT_HMAC_KEYS);
  if (auditKeys === null) throw new ConfigError({ AUDIT_HMAC_KEYS: KEY_LIST_RULE });
  // Requiring verification without a way to send the mail would lock everyone out.
  if (e.REQUIRE_EMAIL_VERIFICATION === "true" && !e.EMAIL_API_KEY)
    throw new ConfigError({
      EMAIL_API_KEY: "must be set while REQUIRE_EMAIL_VERIFICATION is true",
    });
  let signingKeys: SigningJwk[];
  try {
    signingKeys = parseSigningKeys(e.SIGNING_KEYS);
  } catch (err) {
    // SigningKeysError messages name a key's index and the rule, never key material.
    if (err instanceof SigningKeysError) throw new ConfigError({ SIGNING_KEYS: err.message });
    throw err;
  }
  return {
    databaseUrl: e.DATABASE_URL,
    redis: { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN },
    neonBridge: e.NEON_FETCH_ENDPOINT ? { fetchEndpoint: e.NEON_FETCH_ENDPOINT } : undefined,
    issuer: e.ISSUER,
    audience: e.AUDIENCE,
    realm: e.AUTH_REALM,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    accessTokenFormat: e.ACCESS_TOKEN_FORMAT,
    jwksMaxAgeSeconds: e.JWKS_MAX_AGE_SECONDS,
    signingKeys,
    refresh: {
      ttlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      idleTimeoutSeconds: e.REFRESH_IDLE_TIMEOUT_SECONDS,
      reuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
    },
    allowedOrigins,
    legacy: {
      sessionDeadlineMs:
        e.LEGACY_CUTOVER_AT === undefined
          ? undefined
          : Date.parse(e.LEGACY_CUTOVER_AT) + e.LEGACY_SESSION_WINDOW_DAYS * 86_400_000,
      sessionCookie: e.LEGACY_SESSION_COOKIE,
    },
    introspectionKeys,
    adminApiKey: e.ADMIN_API_KEY,
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
    pwnedPasswordsUrl: e.PWNED_PASSWORDS_URL,
    turnstile: e.TURNSTILE_SECRET_KEY
      ? { secret: e.TURNSTILE_SECRET_KEY, verifyUrl: e.TURNSTILE_VERIFY_URL }
      : undefined,
    audit: {
      keys: auditKeys,
      shards: e.AUDIT_SHARDS,
      databaseUrl: e.AUDIT_DATABASE_URL ?? e.DATABASE_URL,
    },
    rateLimits: {
      login_ip: e.RATE_LIMIT_LOGIN_PER_IP,
      login_failures: e.RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT,
      register_ip: e.RATE_LIMIT_REGISTER_PER_IP,
      token_ip: e.RATE_LIMIT_TOKEN_PER_IP,
      introspect_ip: e.RATE_LIMIT_INTROSPECT_PER_IP,
      admin_ip: e.RATE_LIMIT_ADMIN_PER_IP,
      email_ip: e.RATE_LIMIT_EMAIL_PER_IP,
      email_address: e.RATE_LIMIT_EMAIL_PER_ADDRESS,
    },
    ipv6PrefixBits: e.RATE_LIMIT_IPV6_PREFIX,
    accountMaxFailures: e.ACCOUNT_MAX_CONSECUTIVE_FAILURES,
    password: {
      minLength: e.PASSWORD_MIN_LENGTH,
      argon2: {
        memoryKiB: e.ARGON2_MEMORY_KIB,
        iterations: e.ARGON2_ITERATIONS,
        parallelism: e.ARGON2_PARALLELISM,
      },
      peppers,
      maxQueue: e.HASHING_MAX_QUEUE,
    },
  };
}

// Parsed once per isolate. Bindings are fixed for an isolate's lifetime, so the
// env object is a sound cache key; this caches a pure function of it, nothing more.
const parsed = new WeakMap<object, Config | ConfigError>();

/** The validated config for these bindings, or a ConfigError (logged once, names only). */
export function configFromEnv(env: object): Config | ConfigError {
  let result = parsed.get(env);
  if (!result) {
    try {
      result = parseConfig(env as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      result = err;
      log("error", "invalid configuration", { variables: err.variables });
    }
    parsed.set(env, result);
  }
  return result;
}
