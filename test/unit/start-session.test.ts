// A session whose durable copy (Postgres) could not be written must not live:
// logout-all finds sessions through that copy, so an unlisted one could survive it.
import { describe, expect, it } from "vitest";
import { type SessionDeps, startSession } from "../../src/auth/sessions";
import { memoryRefreshFamilies } from "./support/memory-refresh-families";
import { memoryRevocationList } from "./support/memory-revocation-list";
import { memorySessionStore, type SessionStoreHooks } from "./support/memory-session-store";

function deps(beforeInsert?: SessionStoreHooks["insert"]) {
  const revoked: Array<{ id: string; reason: string }> = [];
  const audited: string[] = [];
  const families = memoryRefreshFamilies({
    before: { revoke: (id, reason) => void revoked.push({ id, reason }) },
  });
  const d: SessionDeps = {
    families,
    sessions: memorySessionStore({ before: { insert: beforeInsert } }),
    revocation: memoryRevocationList(),
    clock: { now: () => 1_800_000_000_000 },
    accessTtlSeconds: 900,
    refreshTtlSeconds: 3600,
    audit: { record: (e) => void audited.push(e.type), recordMany: () => {} },
    background: () => {},
  };
  return { d, revoked, audited };
}

const input = { userId: "u1", emailVerified: false, userAgent: null, ip: null };

describe("startSession", () => {
  it("revokes the new family when the session list cannot record it, and fails", async () => {
    const { d, revoked, audited } = deps(() => {
      throw new Error("postgres unavailable");
    });
    await expect(startSession(d, input)).rejects.toThrow("postgres unavailable");
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.reason).toBe("start_failed");
    expect(audited).toEqual([]);
  });

  it("keeps the family and records the issue when the insert succeeds", async () => {
    const { d, revoked, audited } = deps();
    const tokens = await startSession(d, input);
    expect(revoked).toEqual([]);
    expect(audited).toEqual(["token_issued"]);
    expect(tokens.refreshToken.split(".")[0]).toHaveLength(22);
  });
});
