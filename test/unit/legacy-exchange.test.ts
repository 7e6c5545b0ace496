// Exchanging a legacy session: honoured until min(expiry, cutover + window),
// consumed before any token exists, released if no token could be issued.
import { describe, expect, it } from "vitest";
import type { IssuedTokens, RefreshFamilies } from "../../src/auth/refresh/types";
import type { SessionDeps } from "../../src/auth/sessions";
import { exchangeLegacySession } from "../../src/features/legacy/exchange";
import { sha256Hex } from "../../src/features/legacy/sha256-hex";
import { schemeRules } from "../../src/features/legacy/stats";
import sessions from "../fixtures/legacy/sessions.json";
import { memoryLegacyStore } from "./support/memory-legacy-store";
import { memoryRevocationList } from "./support/memory-revocation-list";
import { memorySessionStore } from "./support/memory-session-store";
import { memoryUserStore } from "./support/memory-user-store";

const NOW = Date.parse("2026-11-23T00:00:00Z");
const KEY = sessions[0]?.session_key as string;

async function deps(
  opts: { deadlineMs?: number; consumeAs?: string | null; failStart?: boolean } = {},
) {
  const calls = { consumed: [] as string[], released: [] as string[], started: 0 };
  // The fixture's first session, imported for a verified user (unless `consumeAs`
  // is null: then no session is known).
  const users = memoryUserStore();
  const store = memoryLegacyStore(users, {
    before: {
      consumeSession(keyHash, at) {
        expect(at.getTime()).toBe(NOW);
        calls.consumed.push(keyHash);
      },
      releaseSession(keyHash) {
        calls.released.push(keyHash);
      },
    },
  });
  const userId = opts.consumeAs === undefined ? "user-1" : opts.consumeAs;
  if (userId !== null) {
    const email = "legacy-user@example.test";
    await store.insertUsers([
      { id: userId, email, passwordHash: "bcrypt$x", legacySalt: null, emailVerified: true },
    ]);
    await store.insertSessions([
      {
        keyHash: sessions[0]?.session_key_sha256 as string,
        email,
        expiresAt: new Date(NOW + 3_600_000),
      },
    ]);
  }
  const families: RefreshFamilies = {
    async updateClaims() {},
    async start(familyId, userId): Promise<IssuedTokens> {
      calls.started += 1;
      if (opts.failStart) throw new Error("durable object unavailable");
      return {
        userId,
        refreshToken: `${familyId}.secret`,
        accessToken: "at",
        accessExpiresIn: 900,
        refreshExpiresIn: 3600,
      };
    },
    rotate: async () => ({ outcome: "invalid", reason: "unknown" }) as never,
    revoke: async () => ({ revoked: false }),
  };
  const sessionDeps: SessionDeps = {
    families,
    sessions: memorySessionStore(),
    revocation: memoryRevocationList(),
    clock: { now: () => NOW },
    accessTtlSeconds: 900,
    refreshTtlSeconds: 3600,
    audit: { record: () => {}, recordMany: () => {} },
    background: () => {},
  };
  return {
    calls,
    deps: {
      store,
      signIn: { sessions: sessionDeps, gates: [] },
      deadlineMs: opts.deadlineMs ?? NOW + 1000,
    },
  };
}

const input = (sessionKey = KEY) => ({
  sessionKey,
  transport: "body" as const,
  userAgent: null,
  ip: null,
});

describe("exchangeLegacySession", () => {
  it("consumes the session by the SHA-256 hex of its key (as Python computes it) and issues a pair", async () => {
    const { deps: d, calls } = await deps();
    const outcome = await exchangeLegacySession(d, input());
    const tokens = outcome.kind === "session" ? outcome.tokens : null;
    expect(tokens?.userId).toBe("user-1");
    expect(calls.consumed).toEqual([sessions[0]?.session_key_sha256]);
    expect(await sha256Hex(KEY)).toBe(sessions[0]?.session_key_sha256);
  });

  it("refuses at and after the deadline without touching storage", async () => {
    const { deps: d, calls } = await deps({ deadlineMs: NOW });
    await expect(exchangeLegacySession(d, input())).rejects.toMatchObject({
      code: "invalid_grant",
      status: 400,
    });
    expect(calls.consumed).toEqual([]);
  });

  it("answers one invalid_grant for unknown, used or expired sessions", async () => {
    const { deps: d, calls } = await deps({ consumeAs: null });
    await expect(exchangeLegacySession(d, input())).rejects.toMatchObject({
      code: "invalid_grant",
    });
    expect(calls.started).toBe(0);
  });

  it.each([
    ["empty", ""],
    ["too long", "a".repeat(257)],
    ["with a space", "abc def"],
  ])("refuses a key that is %s without a lookup", async (_name, key) => {
    const { deps: d, calls } = await deps();
    await expect(exchangeLegacySession(d, input(key))).rejects.toMatchObject({
      code: "invalid_grant",
    });
    expect(calls.consumed).toEqual([]);
  });

  it("releases the session when no tokens could be issued, and rethrows", async () => {
    const { deps: d, calls } = await deps({ failStart: true });
    await expect(exchangeLegacySession(d, input())).rejects.toThrow("durable object unavailable");
    expect(calls.released).toEqual(calls.consumed);
  });
});

describe("scheme rules for GET /v1/admin/stats", () => {
  const classify = (hash: string, rules = schemeRules(current)) =>
    rules.find((r) => hash.startsWith(r.prefix))?.label ?? "other";
  const current = { memoryKiB: 19456, iterations: 2, parallelism: 1, pepperId: "p1" };

  it.each([
    ["$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$c2FsdHNhbHQ$aGFzaA", "argon2id_current"],
    ["$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "argon2id_outdated"],
    ["$argon2id$v=19$m=65536,t=3,p=4,keyid=p1$c2FsdHNhbHQ$aGFzaA", "argon2id_outdated"],
    ["$argon2id$v=19$m=19456,t=2,p=1,keyid=p0$c2FsdHNhbHQ$aGFzaA", "argon2id_outdated"],
    ["argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "argon2id_imported"],
    ["$2b$10$abc", "bcrypt"],
    ["$2a$10$abc", "bcrypt"],
    ["$2y$10$abc", "bcrypt"],
    ["$2x$10$abc", "other"],
    ["bcrypt_sha256$$2b$10$abc", "bcrypt_sha256"],
    ["pbkdf2_sha256$600000$salt$hash", "pbkdf2_sha256"],
    ["!unusable", "other"],
  ])("%s is %s", (hash, label) => {
    expect(classify(hash)).toBe(label);
  });

  it("counts a hash without the pepper as current only when no pepper is configured", () => {
    const rules = schemeRules({ ...current, pepperId: undefined });
    expect(classify("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", rules)).toBe(
      "argon2id_current",
    );
  });
});
