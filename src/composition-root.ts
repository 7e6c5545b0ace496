import { createAnalyticsEngineMetrics } from "./adapters/analytics/analytics-engine";
import { createSinkMetrics } from "./adapters/analytics/sink";
import { createDurableRefreshFamilies } from "./adapters/durable-objects/refresh-families";
import { createPwnedRangeCheck } from "./adapters/hibp/pwned-range";
import { createDb } from "./adapters/postgres/client";
import { createPostgresSessionStore } from "./adapters/postgres/session-store";
import { createPostgresUserDirectory } from "./adapters/postgres/user-directory";
import { createPostgresUserStore } from "./adapters/postgres/user-store";
import { createRedisAccountGuard } from "./adapters/redis/account-guard";
import { createRedis } from "./adapters/redis/client";
import { createUpstashRateLimiter } from "./adapters/redis/rate-limiter";
import { createRedisRefreshAdmission } from "./adapters/redis/refresh-admission";
import { createRedisRevocationList } from "./adapters/redis/revocation";
import { createTurnstileChallenge } from "./adapters/turnstile/siteverify";
import { argon2ForIsolate } from "./adapters/wasm/argon2";
import { FIRST_PARTY_CLIENT_ID } from "./auth/client";
import { createPasswordHasher, maxStoredHashMemoryKiB } from "./auth/password/hasher";
import type { FamilyDeps, FamilyStorage } from "./auth/refresh/family";
import { issueAccessToken } from "./auth/tokens/access-token";
import { type CheckDeps, checkAccessToken, checkAccessTokenAlongside } from "./auth/tokens/check";
import { cachedRevocationCheck } from "./auth/tokens/revocation-cache";
import { loadSigningKeys } from "./auth/tokens/signing-keys";
import type { Config, ConfigError } from "./core-config";
import type { ServiceContext, ServiceFactories } from "./feature";
import { features } from "./features";
import { errorName, log } from "./log";
import { systemClock } from "./ports";
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

function logBackgroundFailure(err: unknown): void {
  log("warn", "background write failed", { error: errorName(err) });
}

/** The core's services, each built from the request's context on first use. */
const coreFactories: ServiceFactories = {
  clock: () => systemClock,
  metrics: ({ config, env, scope }) =>
    config.metricsSinkUrl
      ? createSinkMetrics(config.metricsSinkUrl, (p) =>
          scope.waitUntil(p.catch(logBackgroundFailure)),
        )
      : env.METRICS
        ? createAnalyticsEngineMetrics(env.METRICS)
        : { record() {} },
  users: ({ db }) => createPostgresUserStore(db()),
  userDirectory: ({ db }) => createPostgresUserDirectory(db()),
  accountFacts: (ctx) => features.flatMap((f) => (f.accountFacts ? [f.accountFacts(ctx)] : [])),
  erasureGuards: (ctx) => features.flatMap((f) => (f.erasureGuard ? [f.erasureGuard(ctx)] : [])),
  disableGuards: (ctx) => features.flatMap((f) => (f.disableGuard ? [f.disableGuard(ctx)] : [])),
  sessions: ({ db }) => createPostgresSessionStore(db()),
  families: ({ env }) => createDurableRefreshFamilies(env.REFRESH_FAMILY),
  revocation: ({ redis }) => createRedisRevocationList(redis()),
  limiter: ({ config, redis }) =>
    createUpstashRateLimiter(redis(), config.rateLimits, LIMITER_TIMEOUT_MS),
  refreshAdmission: ({ config, redis }) =>
    createRedisRefreshAdmission(redis(), config.rateLimits.token_ip, LIMITER_TIMEOUT_MS),
  accountGuard: ({ redis }) => createRedisAccountGuard(redis()),
  botChallenge: ({ config: { turnstile } }) =>
    turnstile ? createTurnstileChallenge(turnstile.verifyUrl, turnstile.secret, 2000) : undefined,
  breachedPasswords: ({ config }) =>
    config.pwnedPasswordsUrl ? createPwnedRangeCheck(config.pwnedPasswordsUrl, 1500) : undefined,
  passwords: ({ config }) =>
    createPasswordHasher({
      argon2: argon2ForIsolate({
        maxQueue: config.password.maxQueue,
        maxMemoryKiB: maxStoredHashMemoryKiB(config.password.argon2.memoryKiB),
      }),
      params: config.password.argon2,
      peppers: config.password.peppers,
    }),
  mailJobHandlers: () => mailJobHandlers,
  probes: (ctx) => [
    {
      name: "postgres",
      check: async () => {
        await ctx.db().execute("select 1");
        return undefined;
      },
    },
    {
      name: "redis",
      check: async () => {
        if ((await ctx.redis().ping()) !== "PONG") throw new Error("unexpected PING reply");
        return undefined;
      },
    },
    ...features.flatMap((f) => f.probes?.(ctx) ?? []),
  ],
  signIn: (ctx) => ({
    sessions: ctx.services.sessionDeps(),
    gates: features.flatMap((f) => f.signInGates?.(ctx) ?? []),
    claims: features.flatMap((f) => (f.sessionClaims ? [f.sessionClaims(ctx)] : [])),
  }),
  secondFactors: (ctx) => features.flatMap((f) => f.secondFactors?.(ctx) ?? []),
  registered:
    ({ services }) =>
    async (userId) => {
      await Promise.all(
        features.map((f) => f.registered?.(services, userId).catch(logBackgroundFailure)),
      );
    },
  signingKeys:
    ({ config }) =>
    () =>
      loadSigningKeys(config.signingKeys),
  checkAccessToken:
    ({ config, services }) =>
    async (token) =>
      checkAccessToken(await tokenCheckDeps(config, services.revocation), token),
  checkAccessTokenAlongside:
    ({ config, services }) =>
    async (token, read) =>
      checkAccessTokenAlongside(await tokenCheckDeps(config, services.revocation), token, read),
  checkConsumerToken:
    ({ config, services }) =>
    async (token) =>
      checkAccessToken(
        await tokenCheckDeps(
          config,
          cachedRevocationCheck(services.revocation, config.revocationCacheMs, systemClock),
        ),
        token,
      ),
  // Getters: a refresh needs the session store (a drizzle client) once per
  // session-hour, so it is not built for the other refreshes.
  sessionDeps:
    ({ config, scope, services }) =>
    () => ({
      get families() {
        return services.families;
      },
      get sessions() {
        return services.sessions;
      },
      get revocation() {
        return services.revocation;
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

async function tokenCheckDeps(
  config: Config,
  revocation: CheckDeps["revocation"],
): Promise<CheckDeps> {
  return {
    keys: await loadSigningKeys(config.signingKeys),
    settings: {
      issuer: config.issuer,
      audience: config.audience,
      ttlSeconds: config.accessTokenTtlSeconds,
    },
    clock: systemClock,
    revocation,
  };
}

const CONTEXT = Symbol("context");
const BUILT = Symbol("built");

/**
 * One object per request; its services are getters on a prototype built once
 * per isolate from the core's factories and every feature's (Feature.services),
 * each calling its factory on first use and keeping the result for the rest
 * of the request. A request so pays for what it touches, not for the number
 * of features.
 */
class RequestServices {
  readonly [CONTEXT]: ServiceContext;
  readonly [BUILT]: Record<string, unknown> = Object.create(null);
  constructor(context: ServiceContext) {
    this[CONTEXT] = context;
  }
}

for (const part of [coreFactories, ...features.map((f) => f.services ?? {})]) {
  for (const [name, make] of Object.entries(part) as Array<
    [string, (ctx: ServiceContext) => unknown]
  >) {
    if (Object.hasOwn(RequestServices.prototype, name)) {
      throw new Error(`service ${name} is built by two parts of the composition root`);
    }
    Object.defineProperty(RequestServices.prototype, name, {
      enumerable: true,
      get(this: RequestServices) {
        const built = this[BUILT];
        if (!(name in built)) built[name] = make(this[CONTEXT]);
        return built[name];
      },
    });
  }
}

export function createServices(config: Config, env: Env, scope: RequestScope): Services {
  const context = {
    config,
    env,
    scope,
    db: lazy(() => createDb(config)),
    redis: lazy(() => createRedis(config)),
  } as { -readonly [K in keyof ServiceContext]: ServiceContext[K] };
  const services = new RequestServices(context) as unknown as Services;
  context.services = services;
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
