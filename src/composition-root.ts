import { createDurableRefreshFamilies } from "./adapters/durable-objects/refresh-families";
import { createPwnedRangeCheck } from "./adapters/hibp/pwned-range";
import { createDb } from "./adapters/postgres/client";
import { createPostgresSessionStore } from "./adapters/postgres/session-store";
import { createPostgresUserStore } from "./adapters/postgres/user-store";
import { createRedisAccountGuard } from "./adapters/redis/account-guard";
import { createRedis } from "./adapters/redis/client";
import { createUpstashRateLimiter } from "./adapters/redis/rate-limiter";
import { createRedisRevocationList } from "./adapters/redis/revocation";
import { createTurnstileChallenge } from "./adapters/turnstile/siteverify";
import { argon2ForIsolate } from "./adapters/wasm/argon2";
import { FIRST_PARTY_CLIENT_ID } from "./auth/client";
import {
  createPasswordHasher,
  maxStoredHashMemoryKiB,
  type PasswordHasher,
} from "./auth/password/hasher";
import type { ForeignHashScheme } from "./auth/password/stored-password";
import type { FamilyDeps, FamilyStorage } from "./auth/refresh/family";
import type { RefreshFamilies } from "./auth/refresh/types";
import type { SessionDeps } from "./auth/sessions";
import { issueAccessToken } from "./auth/tokens/access-token";
import { type CheckResult, checkAccessToken } from "./auth/tokens/check";
import { loadSigningKeys, type SigningKeySet } from "./auth/tokens/signing-keys";
import type { Config } from "./config";
import { createAuditLog } from "./features/audit/adapters/audit-log";
import { exportAudit } from "./features/audit/adapters/export";
import {
  type AuditTrail,
  displacedChains,
  unknownChains,
  verifyStoredAudit,
} from "./features/audit/adapters/stored-trail";
import { type BatchOutcome, writeAuditBatch } from "./features/audit/adapters/write-batch";
import type { AuditRow } from "./features/audit/chain";
import { shardChains } from "./features/audit/shard";
import { createQueueMailJobs } from "./features/email/adapters/queue-mail-jobs";
import { createPostgresRecoveryStore } from "./features/email/adapters/recovery-store";
import { createResendMailer } from "./features/email/adapters/resend";
import { createPostgresLegacyStore } from "./features/legacy/adapters/legacy-store";
import { legacyHashScheme } from "./features/legacy/lazy-migration";
import type { LegacyStore } from "./features/legacy/ports";
import { errorName, log } from "./log";
import {
  type AccountGuard,
  type AuditLog,
  type BotChallenge,
  type BreachedPasswordCheck,
  type Clock,
  type HealthProbe,
  type Mailer,
  type MailJobs,
  type RateLimiter,
  type RecoveryTokenStore,
  type RevocationList,
  type SessionStore,
  systemClock,
  type UserStore,
} from "./ports";

/**
 * The composition root: the one place that constructs adapters, for requests,
 * the RPC entrypoint, the queue consumer, the cron trigger and both Durable
 * Objects. Routes, features and the objects receive ports, never a driver,
 * a client or a binding.
 *
 * Everything a request may need, built lazily: clients are created per request
 * (Neon and Upstash speak HTTP, so this is cheap) and only when first used.
 */
export interface Services {
  readonly clock: Clock;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly families: RefreshFamilies;
  readonly revocation: RevocationList;
  readonly limiter: RateLimiter;
  readonly accountGuard: AccountGuard;
  readonly breachedPasswords: BreachedPasswordCheck | undefined;
  readonly botChallenge: BotChallenge | undefined;
  readonly passwords: PasswordHasher;
  /** Stored hash formats other than ours: the legacy carve-out's. */
  readonly foreignHashes: ForeignHashScheme;
  readonly probes: readonly HealthProbe[];
  /** The tamper-evident trail; `record` never waits on a database. */
  readonly audit: AuditLog;
  readonly recoveryTokens: RecoveryTokenStore;
  /** The mail queue; undefined when email is not configured. */
  readonly mailJobs: MailJobs | undefined;
  /** The email provider (the queue consumer sends through it); undefined when email is off. */
  readonly mailer: Mailer | undefined;
  /** The stored audit trail, for operators: verify, export, and which requested chains exist. */
  readonly auditTrail: AuditTrail;
  /** The carve-out's storage: imports, legacy sessions, migration stats. */
  readonly legacy: LegacyStore;
  signingKeys(): Promise<SigningKeySet>;
  sessionDeps(): SessionDeps;
  /** Signature, claims and revocation: the one online check for access tokens. */
  checkAccessToken(token: string): Promise<CheckResult>;
}

/** What the request contributes to its services: background work and the audit context. */
export interface RequestScope {
  waitUntil(promise: Promise<unknown>): void;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** How long a rate-limit check may wait for Redis before the endpoint's open/closed choice applies. */
const LIMITER_TIMEOUT_MS = 1500;

function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: make() };
    return value.v;
  };
}

export function createServices(config: Config, env: Env, scope: RequestScope): Services {
  const db = lazy(() => createDb(config));
  const redis = lazy(() => createRedis(config));
  const users = lazy(() => createPostgresUserStore(db()));
  const sessions = lazy(() => createPostgresSessionStore(db()));
  const revocation = lazy(() => createRedisRevocationList(redis()));
  const limiter = lazy(() =>
    createUpstashRateLimiter(redis(), config.rateLimits, LIMITER_TIMEOUT_MS),
  );
  const accountGuard = lazy(() => createRedisAccountGuard(redis()));
  const families = lazy(() => createDurableRefreshFamilies(env.REFRESH_FAMILY));
  const audit = lazy(() =>
    createAuditLog(env.AUDIT_HEAD, {
      waitUntil: (p) => scope.waitUntil(p),
      requestId: scope.requestId,
      ip: scope.ip,
      userAgent: scope.userAgent,
      shards: config.audit.shards,
    }),
  );
  const passwords = lazy(() =>
    createPasswordHasher({
      argon2: argon2ForIsolate({
        maxQueue: config.password.maxQueue,
        maxMemoryKiB: maxStoredHashMemoryKiB(config.password.argon2.memoryKiB),
      }),
      params: config.password.argon2,
      peppers: config.password.peppers,
    }),
  );
  return {
    clock: systemClock,
    get auditTrail(): AuditTrail {
      const deps = { db: db(), heads: env.AUDIT_HEAD, keys: config.audit.keys };
      return {
        verify: (chains) => verifyStoredAudit(deps, chains),
        export: (chains, now) => exportAudit(deps, chains, now),
        unknownChains: (chains) => unknownChains(deps, chains),
      };
    },
    get users() {
      return users();
    },
    get sessions() {
      return sessions();
    },
    get families() {
      return families();
    },
    get revocation() {
      return revocation();
    },
    get limiter() {
      return limiter();
    },
    get accountGuard() {
      return accountGuard();
    },
    get botChallenge() {
      const t = config.turnstile;
      return t ? createTurnstileChallenge(t.verifyUrl, t.secret, 2000) : undefined;
    },
    get breachedPasswords() {
      return config.pwnedPasswordsUrl
        ? createPwnedRangeCheck(config.pwnedPasswordsUrl, 1500)
        : undefined;
    },
    get audit() {
      return audit();
    },
    get passwords() {
      return passwords();
    },
    foreignHashes: legacyHashScheme,
    get recoveryTokens() {
      return createPostgresRecoveryStore(db());
    },
    get mailJobs() {
      return config.email ? createQueueMailJobs(env.MAIL_QUEUE) : undefined;
    },
    get mailer() {
      const email = config.email;
      return email
        ? createResendMailer({
            url: email.apiUrl,
            apiKey: email.apiKey,
            from: email.from,
            timeoutMs: 10_000,
          })
        : undefined;
    },
    get legacy() {
      return createPostgresLegacyStore(db());
    },
    get probes(): HealthProbe[] {
      return [
        {
          name: "postgres",
          check: async () => {
            await db().execute("select 1");
            return undefined;
          },
        },
        {
          name: "redis",
          check: async () => {
            if ((await redis().ping()) !== "PONG") throw new Error("unexpected PING reply");
            return undefined;
          },
        },
        // Advisory: anyone with INSERT on audit_events can plant a row that
        // halts a head's flush, and must not be able to take the service out
        // of rotation by doing so (docs/audit.md, "Operating it").
        {
          name: "audit",
          advisory: true,
          check: async () => {
            const chains = shardChains(config.audit.shards);
            const found = await displacedChains(env.AUDIT_HEAD, chains);
            return found.length > 0 ? "conflict" : undefined;
          },
        },
      ];
    },
    signingKeys: () => loadSigningKeys(config.signingKeys),
    checkAccessToken: async (token) =>
      checkAccessToken(
        {
          keys: await loadSigningKeys(config.signingKeys),
          settings: {
            issuer: config.issuer,
            audience: config.audience,
            ttlSeconds: config.accessTokenTtlSeconds,
          },
          clock: systemClock,
          revocation: revocation(),
        },
        token,
      ),
    // Getters: a refresh needs the session store (a drizzle client) once per
    // session-hour, so it is not built for the other refreshes.
    sessionDeps: () => ({
      get families() {
        return families();
      },
      get sessions() {
        return sessions();
      },
      get revocation() {
        return revocation();
      },
      clock: systemClock,
      accessTtlSeconds: config.accessTokenTtlSeconds,
      refreshTtlSeconds: config.refresh.ttlSeconds,
      get audit() {
        return audit();
      },
      background: (p) => scope.waitUntil(p.catch((err: unknown) => logBackgroundFailure(err))),
    }),
  };
}

/**
 * What a refresh family's object needs besides its storage: the policy, the
 * signer, the clock and the user's not-before from Redis (a client per call,
 * since Upstash speaks HTTP and a family is visited once per refresh).
 */
export function createFamilyDeps(config: Config, storage: FamilyStorage): FamilyDeps {
  return {
    storage,
    clock: systemClock,
    policy: {
      ttlMs: config.refresh.ttlSeconds * 1000,
      graceMs: config.refresh.reuseGraceSeconds * 1000,
      idleTimeoutMs: config.refresh.idleTimeoutSeconds * 1000,
    },
    mintAccessToken: async (subject, nowMs) =>
      issueAccessToken(
        await loadSigningKeys(config.signingKeys),
        {
          issuer: config.issuer,
          audience: config.audience,
          clientId: FIRST_PARTY_CLIENT_ID,
          ttlSeconds: config.accessTokenTtlSeconds,
          format: config.accessTokenFormat,
        },
        { now: () => nowMs },
        subject,
      ),
    notBeforeFor: (userId, familyId) =>
      createRedisRevocationList(createRedis(config)).notBeforeFor(userId, familyId),
  };
}

/** Where an audit chain head writes its rows: AUDIT_DATABASE_URL, else DATABASE_URL. */
export function createAuditHeadStore(config: Config): {
  writeBatch(rows: AuditRow[]): Promise<BatchOutcome>;
} {
  const db = createDb({ ...config, databaseUrl: config.audit.databaseUrl });
  return { writeBatch: (rows) => writeAuditBatch(db, rows) };
}

function logBackgroundFailure(err: unknown): void {
  log("warn", "background write failed", { error: errorName(err) });
}
