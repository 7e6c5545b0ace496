// The refresh-rotation rules with a frozen clock (see src/auth/refresh/rotation.ts).
import { describe, expect, it } from "vitest";
import {
  familyStartedAt,
  newFamilyId,
  parseRefreshToken,
} from "../../src/auth/refresh/refresh-token";
import { decideRotation, type FamilySnapshot } from "../../src/auth/refresh/rotation";

const NOW = 1_800_000_000_000;
const USER = "0b4c2e7a-9d31-4f6e-8a52-3c1d7e9f0a6b";
const policy = { graceMs: 10_000, idleTimeoutMs: 0 };
const family = (over: Partial<FamilySnapshot> = {}): FamilySnapshot => ({
  createdAt: NOW - 60_000,
  expiresAt: NOW + 86_400_000,
  lastUsedAt: NOW - 30_000,
  revokedAt: null,
  currentGeneration: 3,
  ...over,
});

describe("decideRotation", () => {
  it("rotates the current token", () => {
    expect(decideRotation(family(), { generation: 3, rotatedAt: null }, NOW, policy, null)).toEqual(
      { kind: "rotate" },
    );
  });

  it("retries the immediately previous token inside the window, boundary included", () => {
    expect(
      decideRotation(family(), { generation: 2, rotatedAt: NOW - 10_000 }, NOW, policy, null),
    ).toEqual({ kind: "retry" });
  });

  it("calls the previous token reuse one millisecond after the window", () => {
    expect(
      decideRotation(family(), { generation: 2, rotatedAt: NOW - 10_001 }, NOW, policy, null),
    ).toEqual({ kind: "reuse" });
  });

  it("with a zero window calls every retry reuse, even within the same millisecond", () => {
    const noGrace = { graceMs: 0, idleTimeoutMs: 0 };
    expect(decideRotation(family(), { generation: 2, rotatedAt: NOW }, NOW, noGrace, null)).toEqual(
      { kind: "reuse" },
    );
  });

  it("calls an older token reuse even inside the window (its successor was used)", () => {
    expect(
      decideRotation(family(), { generation: 1, rotatedAt: NOW - 1 }, NOW, policy, null),
    ).toEqual({ kind: "reuse" });
  });

  it("never revokes for an unknown token", () => {
    expect(decideRotation(family(), null, NOW, policy, null)).toEqual({
      kind: "invalid",
      reason: "unknown_token",
    });
  });

  it("refuses revoked, expired and logged-out families before looking at the token", () => {
    const current = { generation: 3, rotatedAt: null };
    expect(
      decideRotation(family({ revokedAt: NOW - 1 }), current, NOW, policy, null),
    ).toMatchObject({ reason: "revoked" });
    expect(decideRotation(family({ expiresAt: NOW }), current, NOW, policy, null)).toMatchObject({
      reason: "expired",
    });
    expect(decideRotation(family(), current, NOW, policy, NOW - 60_000)).toMatchObject({
      reason: "user_logged_out",
    });
    expect(decideRotation(family(), current, NOW, policy, NOW - 60_001)).toEqual({
      kind: "rotate",
    });
  });

  it("applies the idle timeout only when configured", () => {
    const current = { generation: 3, rotatedAt: null };
    const idle = { ...policy, idleTimeoutMs: 29_999 };
    expect(decideRotation(family(), current, NOW, idle, null)).toMatchObject({ reason: "idle" });
    expect(
      decideRotation(family(), current, NOW, { ...policy, idleTimeoutMs: 30_000 }, null),
    ).toEqual({ kind: "rotate" });
  });
});

describe("refresh token shape", () => {
  it("embeds the family's start time in its id, to the millisecond", () => {
    for (const t of [0, 1, NOW, NOW + 999, 2 ** 47 - 1])
      expect(familyStartedAt(newFamilyId(t))).toBe(t);
  });

  it("gives distinct ids at the same millisecond", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newFamilyId(NOW)));
    expect(ids.size).toBe(1000);
  });

  it.each([
    "",
    "abc",
    `${"a".repeat(22)}.${"b".repeat(42)}`,
    `${"a".repeat(22)}.${"b".repeat(43)}.`,
    `${"a".repeat(21)}=.${"b".repeat(43)}`,
    `${"a".repeat(22)}:${"b".repeat(43)}`,
    `${"a".repeat(22)}.${"b".repeat(42)}+`,
    // The user part: a lowercase uuid, nothing else, nothing after it.
    `${"a".repeat(22)}.${"b".repeat(43)}.${USER.toUpperCase()}`,
    `${"a".repeat(22)}.${"b".repeat(43)}.${USER.slice(0, 35)}x`,
    `${"a".repeat(22)}.${"b".repeat(43)}.${USER.slice(0, 34)}.1`,
    `${"a".repeat(22)}.${"b".repeat(43)}${"c".repeat(37)}`,
  ])("rejects malformed token %j without throwing", (token) => {
    expect(parseRefreshToken(token)).toBeNull();
  });

  it("reads the user a token names, and tokens minted before user ids (none)", () => {
    const familyId = newFamilyId(NOW);
    const secret = "b".repeat(43);
    expect(parseRefreshToken(`${familyId}.${secret}.${USER}`)).toEqual({
      familyId,
      secret,
      userId: USER,
    });
    expect(parseRefreshToken(`${familyId}.${secret}`)).toEqual({ familyId, secret });
  });
});
