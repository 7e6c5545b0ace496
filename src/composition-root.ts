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
import { createPasswordHasher, maxStoredHashMemoryKiB } from "./auth/password/hasher";
import type { FamilyDeps, FamilyStorage } from "./auth/refresh/family";
import { issueAccessToken } from "./auth/tokens/access-token";
import { checkAccessToken } from "./auth/tokens/check";
import { loadSigningKeys } from "./auth/tokens/signing-keys";
import type { Config, ConfigError } from "./core-config";
import type { ServiceContext } from "./feature";
import { features } from "./features";
import { errorName, log } from "./log";
import { type HealthProbe, systemClock } from "./ports";
import type { EntryContext, RequestScope, Services } from "./services";

/**
 * The composition root: the one place that constructs the core's adapters and
 * calls each feature's part of the root (Feature.services, which alone builds
 * that feature's adapters), for requests, the RPC entrypoint, the queue
 * consumers, the cron trigger and the Durable Objects. Routes, features and
 * the objects receive ports, never a driver, a client or a binding.
 *
 * Everything is built lazily: clients are created per request (Neon and
 * Upstash speak HTTP, so this is cheap) and only when first used.
 */

/** How long a rate-limit check may wait for Redis before the endpoint's open/closed choice applies. */
const LIMITER_TIMEOUT_MS = 1500;

/** Every feature's mail job handlers by kind: a pure function of the code, built once. */
const mailJobHandlers = new Map(
  features.flatMap((f) => f.mailJobs ?? []).map((handler) => [handler.kind, handler] as const),
);

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
  const core = {
    clock: systemClock,
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
    get passwords() {
      return passwords();
    },
    foreignHashes: undefined,
    mailJobs: undefined,
    mailer: undefined,
    get mailJobHandlers() {
      return mailJobHandlers;
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
        ...features.flatMap((f) => f.probes?.(ctx) ?? []),
      ];
    },
    get signInGates() {
      return features.flatMap((f) => f.signInGates?.(ctx) ?? []);
    },
    async registered(userId: string) {
      await Promise.all(
        features.map((f) => f.registered?.(services, userId).catch(logBackgroundFailure)),
      );
    },
    signingKeys: () => loadSigningKeys(config.signingKeys),
    checkAccessToken: async (token: string) =>
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
        return services.audit;
      },
      background: (p: Promise<unknown>) => scope.waitUntil(p.catch(logBackgroundFailure)),
    }),
  };
  // The features' ports join the core's (getters stay getters, so each is still
  // built on first use); `audit` is the audit feature's.
  const services = core as unknown as Services;
  const ctx: ServiceContext = { config, env, scope, db, redis, services };
  for (const feature of features) {
    const part = feature.services?.(ctx);
    if (part) Object.defineProperties(services, Object.getOwnPropertyDescriptors(part));
  }
  return services;
}

/** What a queue consumer and the cron trigger work with. */
export function entryContext(config: Config | ConfigError, env: Env, ctx: ExecutionContext) {
  return {
    config,
    services: (valid: Config) =>
      createServices(valid, env, {
        waitUntil: (p) => ctx.waitUntil(p),
        requestId: null,
        ip: null,
        userAgent: null,
      }),
  } satisfies EntryContext;
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

function logBackgroundFailure(err: unknown): void {
  log("warn", "background write failed", { error: errorName(err) });
}
