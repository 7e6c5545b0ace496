// An in-memory RecoveryTokenStore for unit tests. It passes the same contract as
// the Postgres adapter (test/contract/recovery-token-store.ts). It keeps its
// tokens and works on the users of a MemoryUserStore, as the real store shares
// the users table: a consume changes the user's password, address and epoch
// there, and a credential change made through the user store ends tokens here.
//
// The credential-epoch rule ("issued after the last credential change") is kept
// as "the user's epoch is still the one it was when the token was issued": the
// fake's epochs are not wall-clock times, but they change with every credential
// change, which is all the rule needs. Expiry is against Date.now().
//
// `before` hooks run first in each call, with its arguments: a test records the
// call there, or throws to make it fail (as an unreachable database would), and
// nothing is changed.
import type { RecoveryTokenStore, VerificationResult } from "../../../src/features/email/ports";
import type { UserRecord } from "../../../src/ports";
import type { MemoryUserStore } from "./memory-user-store";

export type RecoveryTokenStoreHooks = {
  [K in keyof RecoveryTokenStore]?: (...args: Parameters<RecoveryTokenStore[K]>) => void;
};

interface Token {
  userId: string;
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
  /** The user's credential epoch when the token was issued. */
  epoch: string | null;
}

interface VerificationToken extends Token {
  purpose: "verify" | "change";
}

export function memoryRecoveryTokenStore(
  users: MemoryUserStore,
  opts: { before?: RecoveryTokenStoreHooks } = {},
): RecoveryTokenStore {
  const hooks = opts.before ?? {};
  const resets = new Map<string, Token>();
  const verifications = new Map<string, VerificationToken>();

  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const userOf = (id: string) => users.all().find((u) => u.id === id);
  const existing = (id: string) => {
    const user = userOf(id);
    // The foreign key to users.
    if (!user) throw new Error(`foreign key violation: no user ${id}`);
    return user;
  };
  const epochOf = (u: UserRecord) => u.credentialEpoch ?? null;
  const open = (t: Token) => t.usedAt === null && t.expiresAt.getTime() > Date.now();
  const issuedSince = (t: Token, u: UserRecord) => t.epoch === epochOf(u);
  /** The user a reset token may be consumed for, if any. */
  const usableReset = (tokenHash: string) => {
    const t = resets.get(tokenHash);
    const u = t && userOf(t.userId);
    return t && u && open(t) && same(t.email, u.email) && issuedSince(t, u) ? { t, u } : null;
  };

  return {
    async insertReset({ tokenHash, userId, email, expiresAt }) {
      hooks.insertReset?.({ tokenHash, userId, email, expiresAt });
      const user = existing(userId);
      if (resets.has(tokenHash)) throw new Error("duplicate key: password_reset_tokens");
      resets.set(tokenHash, {
        userId,
        email,
        expiresAt: new Date(expiresAt),
        usedAt: null,
        epoch: epochOf(user),
      });
    },

    async usableResetOwner(tokenHash) {
      hooks.usableResetOwner?.(tokenHash);
      return usableReset(tokenHash)?.u.id ?? null;
    },

    async consumeReset(tokenHash, passwordHash) {
      hooks.consumeReset?.(tokenHash, passwordHash);
      const usable = usableReset(tokenHash);
      if (!usable) return null;
      usable.t.usedAt = new Date();
      users.changeCredential(usable.u.id, (u) => {
        u.passwordHash = passwordHash;
        u.emailVerifiedAt ??= new Date();
      });
      return { userId: usable.u.id, email: usable.u.email };
    },

    async insertVerification(t) {
      hooks.insertVerification?.(t);
      const { tokenHash, userId, email, purpose, expiresAt, credentialEpoch } = t;
      if (credentialEpoch !== undefined) {
        const user = userOf(userId);
        if (!user || epochOf(user) !== credentialEpoch) return false;
      }
      const user = existing(userId);
      if (verifications.has(tokenHash)) throw new Error("duplicate key: email_verification_tokens");
      verifications.set(tokenHash, {
        userId,
        email,
        purpose,
        expiresAt: new Date(expiresAt),
        usedAt: null,
        epoch: epochOf(user),
      });
      return true;
    },

    async consumeVerification(tokenHash): Promise<VerificationResult | null | "email_taken"> {
      hooks.consumeVerification?.(tokenHash);
      const t = verifications.get(tokenHash);
      const u = t && userOf(t.userId);
      if (!t || !u || !open(t)) return null;
      // Verification tokens are exempt from the epoch; change tokens are not.
      if (t.purpose === "change" && !issuedSince(t, u)) return null;
      if (
        t.purpose === "change" &&
        users.all().some((o) => o.id !== u.id && same(o.email, t.email))
      ) {
        return "email_taken"; // the unique address: nothing changes, the token stays unused
      }
      // As the adapter's one statement: the token is spent even when a "verify"
      // token's address is no longer the user's (it then verifies nothing).
      t.usedAt = new Date();
      const previousEmail = u.email;
      if (t.purpose === "change") {
        users.changeCredential(u.id, (user) => {
          user.email = t.email;
          user.emailVerifiedAt = new Date();
        });
      } else {
        if (!same(u.email, t.email)) return null;
        u.emailVerifiedAt ??= new Date();
      }
      return { userId: u.id, purpose: t.purpose, previousEmail };
    },

    async deleteExpired(before) {
      hooks.deleteExpired?.(before);
      let deleted = 0;
      for (const tokens of [resets, verifications] as Map<string, Token>[]) {
        for (const [hash, t] of tokens) {
          if (t.expiresAt.getTime() < before.getTime()) {
            tokens.delete(hash);
            deleted += 1;
          }
        }
      }
      return deleted;
    },
  };
}
