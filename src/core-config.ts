// Relative imports name their `.ts` file so Node (type stripping, no bundler)
// can load this module too: `npm run deploy:check` validates a deployment with
// this very parser (through src/config.ts).
import { z } from "zod";
import { parseSigningKeys, type SigningJwk, SigningKeysError } from "./auth/tokens/signing-jwk.ts";
import { KEY_LIST_RULE, parseKeyList } from "./key-list.ts";
import type { LimitBucket } from "./ports.ts";

/**
 * Validated, typed configuration. Parsed once per isolate from the Worker's
 * bindings; a missing or malformed value fails closed (every request answers
 * 503 and the log names the variable, never its value). There is deliberately
 * no default for any secret.
 *
 * The core's settings are below; each feature adds its own section to
 * `FeatureConfigs` (declaration merging, in the feature's config.ts) and
 * declares the variables that fill it (a ConfigPart, listed in src/config.ts).
 */
export interface CoreConfig {
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
  /** Per-bucket limits (sliding windows in Redis), from every part's `limits`; see docs/security.md. */
  rateLimits: Record<LimitBucket, { limit: number; windowSeconds: number }>;
  /** Per-client limits count an IPv6 client by this many leading bits of its address. */
  ipv6PrefixBits: number;
  /** NIST SP 800-63B rev 4 §3.2.2: consecutive failed logins before an account is throttled. */
  accountMaxFailures: number;
  /** Cloudflare Turnstile, offered after throttling; undefined = no challenge. */
  turnstile: { secret: string; verifyUrl: string } | undefined;
  /** k-anonymity range API (HIBP shape) for new passwords; undefined = check off. */
  pwnedPasswordsUrl: string | undefined;
  /** Tests: post data points to this local sink instead of Analytics Engine. */
  metricsSinkUrl: string | undefined;
  /** Key for /v1/admin/* (≥ 32 random bytes); undefined = admin endpoints off. */
  adminApiKey: string | undefined;
  /** Service keys for POST /v1/introspect (RFC 7662 §2.1); empty = endpoint off. */
  introspectionKeys: ReadonlyArray<{ id: string; secret: string }>;
  /** Origins allowed to use cookie-mode refresh (CSRF defence). */
  allowedOrigins: readonly string[];
  /**
   * How long the binding's checks (`verify()`, `authorize()`, `introspect()`)
   * may reuse a "not revoked" answer in one isolate; 0 = never (the default).
   */
  revocationCacheMs: number;
  /** Sensitive changes need an authentication (`auth_time`) at most this old (RFC 9470 step-up). */
  reauthMaxAgeSeconds: number;
  /** Serve the API reference page at /docs (GET /openapi.json is always served). */
  docsEnabled: boolean;
  password: {
    minLength: number;
    argon2: { memoryKiB: number; iterations: number; parallelism: number };
    /** Pepper keys by id; the first one is used for new hashes. */
    peppers: ReadonlyArray<{ id: string; key: Uint8Array }>;
    maxQueue: number;
  };
}

/** The features' sections of the configuration: each feature adds its own. */
// biome-ignore lint/suspicious/noEmptyInterface: a registry that features extend.
export interface FeatureConfigs {}

export type Config = CoreConfig & FeatureConfigs;

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

/** The parsed values of a set of variables. */
export type Parsed<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/**
 * One part's share of the configuration: the variables it reads (each with its
 * rule), the rate-limit buckets it counts and the variable that sets each, and
 * how its section of Config is built from the parsed values.
 */
export interface ConfigPart<Shape extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly variables: Shape;
  readonly limits?: { readonly [B in LimitBucket]?: keyof Shape & string };
  /** Its section of Config from its variables; throws ConfigError for a rule that spans variables. */
  build(vars: Parsed<Shape>): Partial<Config>;
}

/** Any part, whatever its variables: what the registries hold. */
export interface AnyConfigPart {
  readonly name: string;
  readonly variables: z.ZodRawShape;
  readonly limits?: { readonly [B in LimitBucket]?: string };
  build(vars: never): Partial<Config>;
}

export const defineConfigPart = <Shape extends z.ZodRawShape>(
  part: ConfigPart<Shape>,
): ConfigPart<Shape> => part;

export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const url = z.url({ protocol: /^https?$/ });
export const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL");
/** `count/seconds`, e.g. `10/900` = 10 per 15 minutes. */
export const rate = z
  .string()
  .regex(/^\d{1,7}\/\d{1,7}$/)
  .transform((v) => {
    const [limit, windowSeconds] = v.split("/").map(Number) as [number, number];
    return { limit, windowSeconds };
  })
  .refine((r) => r.limit >= 1 && r.windowSeconds >= 1, "limit and window must be at least 1");

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

/** The core's variables: storage, tokens, passwords, limits, admin and service keys. */
const coreVariables = {
  DATABASE_URL: postgresUrl,
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
  REVOCATION_CACHE_MS: int(0, 60_000),
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
  REAUTH_MAX_AGE_SECONDS: int(60, 86_400),
  DOCS_ENABLED: z.enum(["true", "false"]),
  INTROSPECTION_KEYS: z.string().optional(),
  RATE_LIMIT_LOGIN_PER_IP: rate,
  RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT: rate,
  RATE_LIMIT_REGISTER_PER_IP: rate,
  RATE_LIMIT_TOKEN_PER_IP: rate,
  RATE_LIMIT_INTROSPECT_PER_IP: rate,
  RATE_LIMIT_ADMIN_PER_IP: rate,
  RATE_LIMIT_IPV6_PREFIX: int(32, 128),
  ACCOUNT_MAX_CONSECUTIVE_FAILURES: int(1, 100),
  PWNED_PASSWORDS_URL: url.optional(),
  METRICS_SINK_URL: url.optional(),
  TURNSTILE_SECRET_KEY: z.string().min(1).max(256).optional(),
  TURNSTILE_VERIFY_URL: url,
  // 32 random bytes are 43 base64url characters.
  ADMIN_API_KEY: z
    .string()
    .regex(/^[\x21-\x7e]{43,256}$/)
    .optional(),
};

export const coreConfigPart = {
  name: "core",
  variables: coreVariables,
  limits: {
    login_ip: "RATE_LIMIT_LOGIN_PER_IP",
    login_failures: "RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT",
    register_ip: "RATE_LIMIT_REGISTER_PER_IP",
    token_ip: "RATE_LIMIT_TOKEN_PER_IP",
    introspect_ip: "RATE_LIMIT_INTROSPECT_PER_IP",
    admin_ip: "RATE_LIMIT_ADMIN_PER_IP",
  },
  build(e: Parsed<typeof coreVariables>): Omit<CoreConfig, "rateLimits"> {
    // `PASSWORD_PEPPER` is `id:base64key[,id:base64key...]`: the first entry
    // peppers new hashes, the others still verify old ones so the pepper can
    // rotate. Unset means no pepper.
    const peppers =
      e.PASSWORD_PEPPER === undefined || e.PASSWORD_PEPPER.trim() === ""
        ? []
        : parseKeyList(e.PASSWORD_PEPPER);
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
      revocationCacheMs: e.REVOCATION_CACHE_MS,
      signingKeys,
      refresh: {
        ttlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
        idleTimeoutSeconds: e.REFRESH_IDLE_TIMEOUT_SECONDS,
        reuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
      },
      allowedOrigins,
      reauthMaxAgeSeconds: e.REAUTH_MAX_AGE_SECONDS,
      docsEnabled: e.DOCS_ENABLED === "true",
      introspectionKeys,
      adminApiKey: e.ADMIN_API_KEY,
      pwnedPasswordsUrl: e.PWNED_PASSWORDS_URL,
      metricsSinkUrl: e.METRICS_SINK_URL,
      turnstile: e.TURNSTILE_SECRET_KEY
        ? { secret: e.TURNSTILE_SECRET_KEY, verifyUrl: e.TURNSTILE_VERIFY_URL }
        : undefined,
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
  },
} satisfies ConfigPart<typeof coreVariables>;
