// Every port's contract against its production adapter, on the real stack
// (Postgres through the Neon driver and the project's bridge, Redis through the
// Upstash REST client); the same contracts run against the unit tests' fakes in
// test/unit/port-contracts.test.ts.
import { env } from "cloudflare:workers";
import { createDb } from "../../src/adapters/postgres/client";
import { createPostgresSessionStore } from "../../src/adapters/postgres/session-store";
import { createPostgresUserDirectory } from "../../src/adapters/postgres/user-directory";
import { createPostgresUserStore } from "../../src/adapters/postgres/user-store";
import { createRedisAccountGuard } from "../../src/adapters/redis/account-guard";
import { createRedis } from "../../src/adapters/redis/client";
import { createUpstashRateLimiter } from "../../src/adapters/redis/rate-limiter";
import { createRedisRevocationList } from "../../src/adapters/redis/revocation";
import { ConfigError, configFromEnv } from "../../src/config";
import { createPostgresRecoveryStore } from "../../src/features/email/adapters/recovery-store";
import { createPostgresLegacyStore } from "../../src/features/legacy/adapters/legacy-store";
import { accountGuardContract } from "../contract/account-guard";
import { legacyStoreContract } from "../contract/legacy-store";
import { rateLimiterContract } from "../contract/rate-limiter";
import { recoveryTokenStoreContract } from "../contract/recovery-token-store";
import { revocationListContract } from "../contract/revocation-list";
import { sessionStoreContract } from "../contract/session-store";
import { userStoreContract } from "../contract/user-store";

const config = configFromEnv(env);
if (config instanceof ConfigError) throw config;

userStoreContract("Postgres", (body) => body(createPostgresUserStore(createDb(config))));

sessionStoreContract("Postgres", (body) => {
  const db = createDb(config);
  const users = createPostgresUserStore(db);
  return body({
    store: createPostgresSessionStore(db),
    // Sessions belong to existing users (a foreign key).
    async newUserId() {
      const id = crypto.randomUUID();
      await users.create({ id, email: `sessions-${id}@contract.test`, passwordHash: "h" });
      return id;
    },
    async disableUser(userId) {
      await createPostgresUserDirectory(db).setDisabled(userId, true);
    },
    async credentialEpoch(userId) {
      return (await users.findById(userId))?.credentialEpoch ?? null;
    },
    async changeCredentials(userId) {
      await users.advanceCredentialEpoch(userId);
    },
  });
});

revocationListContract("Redis", (body) => body(createRedisRevocationList(createRedis(config))));

// A generous timeout: these tests are about Redis's answers, not about slow ones.
rateLimiterContract("Upstash on Redis", (limits, body) =>
  body(createUpstashRateLimiter(createRedis(config), limits, 10_000)),
);

accountGuardContract("Redis", (body) => body(createRedisAccountGuard(createRedis(config))));

recoveryTokenStoreContract("Postgres", (body) => {
  const db = createDb(config);
  return body({ tokens: createPostgresRecoveryStore(db), users: createPostgresUserStore(db) });
});

legacyStoreContract("Postgres", (body) => {
  const db = createDb(config);
  return body({ store: createPostgresLegacyStore(db), users: createPostgresUserStore(db) });
});
