// The sign-in door (src/auth/sign-in.ts): every method passes the same gates
// in the same order, and nothing exists until they all passed.
import { describe, expect, it } from "vitest";
import type { SessionDeps } from "../../src/auth/sessions";
import { completeSignIn, type SignInMethod } from "../../src/auth/sign-in";
import { emailVerificationGate } from "../../src/features/email/verification-gate";
import { memoryRefreshFamilies } from "./support/memory-refresh-families";
import { memoryRevocationList } from "./support/memory-revocation-list";
import { memorySessionStore } from "./support/memory-session-store";

function deps() {
  const events: string[] = [];
  const families = memoryRefreshFamilies({ before: { start: () => void events.push("session") } });
  const sessions: SessionDeps = {
    families,
    sessions: memorySessionStore(),
    revocation: memoryRevocationList(),
    clock: { now: () => 1_800_000_000_000 },
    accessTtlSeconds: 900,
    refreshTtlSeconds: 3600,
    audit: { record: (e) => void events.push(e.type), recordMany: () => {} },
    background: () => {},
  };
  return { sessions, events };
}

const how = (method: SignInMethod) => ({
  method,
  userAgent: null,
  ip: null,
  ...(method === "legacy_session" ? { successEvent: "legacy_session_exchanged" as const } : {}),
});
const verified = { id: "u1", emailVerified: true };

describe("completeSignIn", () => {
  it.each(["password", "legacy_session"] as const)(
    "%s: refuses an unverified address when verification is required, before any session",
    async (method) => {
      const { sessions, events } = deps();
      const signIn = completeSignIn(
        { sessions, gates: [emailVerificationGate] },
        { id: "u1", emailVerified: false },
        how(method),
      );
      await expect(signIn).rejects.toMatchObject({ code: "email_not_verified", status: 403 });
      expect(events).toEqual(["login_failed"]);
    },
  );

  it("stops at a second-factor challenge without a session, when the hook asks for one", async () => {
    const { sessions, events } = deps();
    const secondFactor = { check: async () => ({ challenge: "mfa-1", methods: ["otp"] }) };
    const outcome = await completeSignIn(
      { sessions, gates: [secondFactor] },
      verified,
      how("password"),
    );
    expect(outcome).toEqual({ kind: "second_factor", challenge: "mfa-1", methods: ["otp"] });
    expect(events).toEqual([]);
  });

  it("opens the session and records the method's success event otherwise", async () => {
    const { sessions, events } = deps();
    const outcome = await completeSignIn(
      { sessions, gates: [emailVerificationGate, { check: async () => null }] },
      verified,
      how("legacy_session"),
    );
    expect(outcome.kind).toBe("session");
    expect(events).toEqual(["session", "token_issued", "legacy_session_exchanged"]);
  });
});
