// Every port's contract against the in-memory fake the unit tests use; the same
// contracts run against the real adapters in test/worker/port-contracts.test.ts.
import { accountGuardContract } from "../contract/account-guard";
import { legacyStoreContract } from "../contract/legacy-store";
import { rateLimiterContract } from "../contract/rate-limiter";
import { recoveryTokenStoreContract } from "../contract/recovery-token-store";
import { revocationListContract } from "../contract/revocation-list";
import { sessionStoreContract } from "../contract/session-store";
import { userStoreContract } from "../contract/user-store";
import { memoryAccountGuard } from "./support/memory-account-guard";
import { memoryLegacyStore } from "./support/memory-legacy-store";
import { memoryRateLimiter } from "./support/memory-rate-limiter";
import { memoryRecoveryTokenStore } from "./support/memory-recovery-token-store";
import { memoryRevocationList } from "./support/memory-revocation-list";
import { memorySessionStore } from "./support/memory-session-store";
import { memoryUserStore } from "./support/memory-user-store";

// One instance per port, shared by every test, as the real stores are.
const users = memoryUserStore();
userStoreContract("in-memory fake", (body) => body(users));

const disabled = new Set<string>();
const epochs = new Map<string, string>();
const sessions = memorySessionStore({
  accountOpen: (userId) => !disabled.has(userId),
  credentialEpochOf: (userId) => epochs.get(userId) ?? null,
});
sessionStoreContract("in-memory fake", (body) =>
  body({
    store: sessions,
    newUserId: async () => crypto.randomUUID(),
    disableUser: async (userId) => {
      disabled.add(userId);
    },
    credentialEpoch: async (userId) => epochs.get(userId) ?? null,
    changeCredentials: async (userId) => {
      epochs.set(userId, crypto.randomUUID());
    },
  }),
);

const revocation = memoryRevocationList();
revocationListContract("in-memory fake", (body) => body(revocation));

rateLimiterContract("in-memory fake", (limits, body) => body(memoryRateLimiter(limits)));

const guard = memoryAccountGuard();
accountGuardContract("in-memory fake", (body) => body(guard));

// The features' ports share the users with a user store, as their tables do.
const recoveryUsers = memoryUserStore();
const recovery = memoryRecoveryTokenStore(recoveryUsers);
recoveryTokenStoreContract("in-memory fake", (body) =>
  body({ tokens: recovery, users: recoveryUsers }),
);

const legacyUsers = memoryUserStore();
const legacy = memoryLegacyStore(legacyUsers);
legacyStoreContract("in-memory fake", (body) => body({ store: legacy, users: legacyUsers }));
