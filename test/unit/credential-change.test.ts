// The order of a credential change (security review: a failure after the
// password commit left old sessions alive, with the reset token spent and the
// old password gone, so nothing could be re-run). Sessions are ended first,
// then the credential commits, then the end is repeated; a failure at any step
// leaves something that can be repeated.
import { describe, expect, it } from "vitest";
import { changeCredentials } from "../../src/auth/credential-change";
import type { SessionDeps } from "../../src/auth/sessions";
import { type ResetDeps, resetPassword } from "../../src/features/email/recovery";
import { parseRecoveryToken } from "../../src/features/email/recovery-token";
import { memoryRecoveryTokenStore } from "./support/memory-recovery-token-store";
import { memoryRevocationList } from "./support/memory-revocation-list";
import { memorySessionStore } from "./support/memory-session-store";
import { memoryUserStore } from "./support/memory-user-store";

const TOKEN = "A".repeat(43);
const NOW = 1_800_000_000_000;

function sessionDeps(opts: { failNotBefore?: boolean; failNotBeforeFrom?: number } = {}) {
  const calls: string[] = [];
  let notBefores = 0;
  const background: Promise<unknown>[] = [];
  const revocation = memoryRevocationList({
    before: {
      setUserNotBefore(_user, _at, _ttl, except) {
        calls.push(except ? `notBefore(except ${except})` : "notBefore");
        notBefores += 1;
        if (opts.failNotBefore || notBefores >= (opts.failNotBeforeFrom ?? Infinity)) {
          throw new Error("redis unreachable");
        }
      },
      revokeSession() {
        calls.push("deny");
      },
    },
  });
  // One listed session of the user, besides the one a password change keeps.
  const listed = (id: string) => ({
    id,
    userId: "u1",
    createdAt: new Date(NOW - 60_000),
    expiresAt: new Date(NOW + 3_600_000),
    lastUsedAt: new Date(NOW - 60_000),
    userAgent: null,
    ip: null,
  });
  const sessions = memorySessionStore({
    sessions: [listed("f1"), listed("keep")],
    before: {
      revokeAllForUser() {
        calls.push("list");
      },
    },
  });
  const deps: SessionDeps = {
    families: {
      start: async () => {
        throw new Error("unused");
      },
      rotate: async () => {
        throw new Error("unused");
      },
      revoke: async () => {
        calls.push("object");
        return { revoked: true, userId: "u1" };
      },
      updateClaims: async () => {},
    },
    sessions,
    revocation,
    clock: { now: () => NOW },
    accessTtlSeconds: 900,
    refreshTtlSeconds: 3600,
    audit: { record: (e) => calls.push(`audit ${e.type}`), recordMany: () => {} },
    background: (p) => background.push(p),
  };
  return { deps, calls, settle: () => Promise.all(background) };
}

describe("changeCredentials", () => {
  it("ends sessions, commits, ends them again, then cleans up the listed ones", async () => {
    const { deps, calls, settle } = sessionDeps();
    await changeCredentials(
      deps,
      { userId: "u1", endSessions: true, keepSessionId: "keep", reason: "password_changed" },
      async () => {
        calls.push("commit");
      },
    );
    await settle();
    expect(calls).toEqual([
      "notBefore(except keep)",
      "commit",
      "notBefore(except keep)",
      "list",
      "object",
      "deny",
    ]);
  });

  it("commits nothing when sessions could not be ended", async () => {
    const { deps, calls } = sessionDeps({ failNotBefore: true });
    const commit = async () => {
      calls.push("commit");
    };
    await expect(
      changeCredentials(deps, { userId: "u1", endSessions: true, reason: "logout_all" }, commit),
    ).rejects.toThrow("redis unreachable");
    expect(calls).not.toContain("commit");
  });

  // Step 3 fails: the credential has changed, so the caller must hear of the
  // failure (and can repeat with the new credential); sessions begun before
  // step 1 are already dead through the first not-before.
  it("reports a failure of the second not-before after the commit stood", async () => {
    const { deps, calls, settle } = sessionDeps({ failNotBeforeFrom: 2 });
    const commit = async () => {
      calls.push("commit");
    };
    await expect(
      changeCredentials(deps, { userId: "u1", endSessions: true, reason: "logout_all" }, commit),
    ).rejects.toThrow("redis unreachable");
    await settle();
    expect(calls).toEqual(["notBefore", "commit", "notBefore"]);
  });

  it("still commits (and ends outstanding tokens) when sessions are kept", async () => {
    const { deps, calls } = sessionDeps();
    await changeCredentials(deps, { userId: "u1", endSessions: false, reason: "x" }, async () => {
      calls.push("commit");
    });
    expect(calls).toEqual(["commit"]);
  });
});

describe("resetPassword", () => {
  async function resetDeps(opts: { failNotBefore?: boolean; failCommit?: boolean }) {
    const session = sessionDeps(opts);
    const users = memoryUserStore();
    await users.create({ id: "u1", email: "a@example.test", passwordHash: "$argon2id$old" });
    const tokens = memoryRecoveryTokenStore(users, {
      before: {
        consumeReset() {
          session.calls.push("consume");
          if (opts.failCommit) throw new Error("postgres unreachable");
        },
      },
    });
    await tokens.insertReset({
      tokenHash: (await parseRecoveryToken(TOKEN)) as string,
      userId: "u1",
      email: "a@example.test",
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const deps: ResetDeps = {
      account: {
        passwords: {
          hash: async () => "$argon2id$new",
          verify: async () => ({ ok: false, needsRehash: false }),
          dummyVerify: async () => {},
        },
        minPasswordLength: 15,
      },
      tokens,
      sessions: session.deps,
      guard: {} as ResetDeps["guard"],
      jobs: { enqueue: async () => {} },
      revokeSessions: true,
    };
    return { deps, calls: session.calls };
  }
  const input = { token: TOKEN, password: "a new and quite long passphrase 2026" };

  it("leaves the token unspent when the sessions could not be ended (the reset can be repeated)", async () => {
    const { deps, calls } = await resetDeps({ failNotBefore: true });
    await expect(resetPassword(deps, input)).rejects.toThrow("redis unreachable");
    expect(calls).toEqual(["notBefore"]);
  });

  it("has already ended the sessions when the commit fails (and the token is unspent)", async () => {
    const { deps, calls } = await resetDeps({ failCommit: true });
    await expect(resetPassword(deps, input)).rejects.toThrow("postgres unreachable");
    expect(calls).toEqual(["notBefore", "consume"]);
  });
});
