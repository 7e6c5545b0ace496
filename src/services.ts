import type { Redis } from "@upstash/redis/cloudflare";
import { createDb, type Db } from "./adapters/postgres/client";
import { createPostgresUserStore } from "./adapters/postgres/user-store";
import { createRedis } from "./adapters/redis/client";
import { argon2ForIsolate } from "./adapters/wasm/argon2";
import {
  createPasswordHasher,
  maxStoredHashMemoryKiB,
  type PasswordHasher,
} from "./auth/password/hasher";
import { loadSigningKeys, type SigningKeySet } from "./auth/tokens/signing-keys";
import type { Config } from "./config";
import { type Clock, type HealthProbe, systemClock, type UserStore } from "./ports";

/**
 * Everything a request may need, built lazily: clients are created per request
 * (Neon and Upstash speak HTTP, so this is cheap) and only when first used.
 */
export interface Services {
  readonly clock: Clock;
  readonly db: Db;
  readonly redis: Redis;
  readonly users: UserStore;
  readonly passwords: PasswordHasher;
  readonly probes: readonly HealthProbe[];
  signingKeys(): Promise<SigningKeySet>;
}

function lazy<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: make() };
    return value.v;
  };
}

export function createServices(config: Config): Services {
  const db = lazy(() => createDb(config));
  const redis = lazy(() => createRedis(config));
  const users = lazy(() => createPostgresUserStore(db()));
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
    get db() {
      return db();
    },
    get redis() {
      return redis();
    },
    get users() {
      return users();
    },
    get passwords() {
      return passwords();
    },
    get probes(): HealthProbe[] {
      return [
        { name: "postgres", check: async () => void (await db().execute("select 1")) },
        {
          name: "redis",
          check: async () => {
            if ((await redis().ping()) !== "PONG") throw new Error("unexpected PING reply");
          },
        },
      ];
    },
    signingKeys: () => loadSigningKeys(config.signingKeys),
  };
}
