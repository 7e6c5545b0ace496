// The refresh family's rules (src/auth/refresh/family.ts) with an in-memory
// storage that passes the same contract as the Durable Object's: what a family
// signs, when it asks Redis, and how its claims snapshot reaches its tokens.
import { describe, expect, it } from "vitest";
import { cachedFamilyStorage } from "../../src/adapters/durable-objects/family-storage-cache";
import {
  type FamilyDeps,
  type FamilyStorage,
  rotateFamily,
  runFamilyAlarm,
  startFamily,
  updateFamilyClaims,
} from "../../src/auth/refresh/family";
import { newFamilyId, parseRefreshToken } from "../../src/auth/refresh/refresh-token";
import type { SessionClaims } from "../../src/auth/refresh/types";
import { familyStorageContract, familyStorageMemoryAgrees } from "../contract/family-storage";
import { memoryFamilyStorage } from "./support/memory-family-storage";

/** User ids are Postgres uuids, and refresh tokens name theirs. */
const USER = "00000000-0000-4000-8000-000000000001";

familyStorageContract("in-memory fake", (body) => body(memoryFamilyStorage()));
familyStorageContract("in-memory fake with the object's memory", (body) =>
  body(cachedFamilyStorage(memoryFamilyStorage())),
);
familyStorageMemoryAgrees("in-memory fake", (body) => body(memoryFamilyStorage()));

const T0 = 1_800_000_000_000;

function setup(storage: FamilyStorage = memoryFamilyStorage()) {
  const calls = { minted: [] as SessionClaims[], notBefore: 0 };
  let now = T0;
  const deps: FamilyDeps = {
    storage,
    clock: { now: () => now },
    policy: { ttlMs: 3_600_000, graceMs: 10_000, idleTimeoutMs: 0 },
    async mintAccessToken(subject) {
      calls.minted.push({ ...subject.claims });
      return { token: `at-${calls.minted.length}`, expiresIn: 900 };
    },
    async notBeforeFor() {
      calls.notBefore += 1;
      return null;
    },
  };
  return { deps, calls, tick: (ms: number) => (now += ms) };
}

async function started(storage?: FamilyStorage) {
  const s = setup(storage);
  const familyId = newFamilyId(T0);
  const first = await startFamily(s.deps, {
    familyId,
    userId: USER,
    claims: { email_verified: false },
  });
  const secret = parseRefreshToken(first.refreshToken)?.secret as string;
  return { ...s, familyId, first, secret };
}

describe("rotateFamily", () => {
  // Security review: a candidate successor was signed and sealed, and Redis
  // asked for the user's not-before, before the secret was looked at.
  it("refuses an unknown secret before signing anything or asking Redis", async () => {
    const { deps, calls, familyId } = await started();
    calls.minted.length = 0;
    const result = await rotateFamily(deps, { familyId, secret: "A".repeat(43) });
    expect(result).toEqual({ outcome: "invalid", reason: "unknown_token" });
    expect(calls).toEqual({ minted: [], notBefore: 0 });
  });

  // Security review: the expiry alarm deletes the family's tables; a rotation
  // whose awaits straddle that deletion answered 500 instead of invalid_grant.
  it("answers unknown_token when the family is deleted while its not-before is on the way", async () => {
    const { deps, familyId, secret } = await started();
    deps.notBeforeFor = async () => {
      await deps.storage.deleteAll();
      return null;
    };
    const result = await rotateFamily(deps, { familyId, secret });
    expect(result).toEqual({ outcome: "invalid", reason: "unknown_token" });
    expect(deps.storage.family()).toBeNull();
  });

  it("rotates the current token once, answers a retry in the window with the same pair, and revokes on reuse", async () => {
    const { deps, familyId, secret, tick } = await started();
    const rotated = await rotateFamily(deps, { familyId, secret });
    expect(rotated.outcome).toBe("rotated");
    tick(1_000);
    const retried = await rotateFamily(deps, { familyId, secret });
    expect(retried).toMatchObject({ outcome: "retried" });
    if (rotated.outcome !== "rotated" || retried.outcome !== "retried") throw new Error();
    expect(retried.refreshToken).toBe(rotated.refreshToken);
    const next = parseRefreshToken(rotated.refreshToken)?.secret as string;
    expect((await rotateFamily(deps, { familyId, secret: next })).outcome).toBe("rotated");
    expect(await rotateFamily(deps, { familyId, secret })).toEqual({
      outcome: "reuse",
      userId: USER,
    });
    expect(deps.storage.family()?.revokedAt).not.toBeNull();
  });
});

describe("rotateFamily with the not-before the Worker read (admitted)", () => {
  it("uses it instead of asking Redis, and a not-before after the family's start refuses", async () => {
    const { deps, calls, familyId, secret } = await started();
    const rotated = await rotateFamily(deps, {
      familyId,
      secret,
      admitted: { userId: USER, notBefore: null },
    });
    expect(rotated.outcome).toBe("rotated");
    if (rotated.outcome !== "rotated") throw new Error();
    expect(calls.notBefore).toBe(0);
    const next = parseRefreshToken(rotated.refreshToken)?.secret as string;
    const ended = await rotateFamily(deps, {
      familyId,
      secret: next,
      admitted: { userId: USER, notBefore: T0 + 1 },
    });
    expect(ended.outcome).toBe("invalid");
    expect(calls.notBefore).toBe(0);
  });

  it("refuses a token naming another user before signing anything or asking Redis", async () => {
    const { deps, calls, familyId, secret } = await started();
    calls.minted.length = 0;
    const result = await rotateFamily(deps, {
      familyId,
      secret,
      admitted: { userId: "00000000-0000-4000-8000-000000000002", notBefore: null },
    });
    expect(result).toEqual({ outcome: "invalid", reason: "unknown_token" });
    expect(calls).toEqual({ minted: [], notBefore: 0 });
    expect(deps.storage.family()?.currentGeneration).toBe(1);
  });
});

describe("the claims snapshot", () => {
  it("goes into every token the family mints, and a change reaches the next one only", async () => {
    const { deps, calls, familyId, secret } = await started();
    expect(calls.minted).toEqual([{ email_verified: false }]);
    updateFamilyClaims(deps, { email_verified: true });
    await rotateFamily(deps, { familyId, secret });
    expect(calls.minted.at(-1)).toEqual({ email_verified: true });
  });

  it("is left alone for a family that is gone", async () => {
    const { deps, tick } = await started();
    tick(3_600_001);
    await runFamilyAlarm(deps);
    expect(() => updateFamilyClaims(deps, { email_verified: true })).not.toThrow();
    expect(deps.storage.family()).toBeNull();
  });
});

describe("rotateFamily in front of the object's memory (cachedFamilyStorage)", () => {
  /** `rows`, counting what is read from them. */
  function counting(rows: FamilyStorage) {
    const reads = { family: 0, token: 0 };
    const counted: FamilyStorage = {
      ...rows,
      family: () => {
        reads.family += 1;
        return rows.family();
      },
      token: (hash) => {
        reads.token += 1;
        return rows.token(hash);
      },
    };
    return { counted, reads };
  }

  // Structural, not timed: the rows a rotation reads are the statements it runs
  // in the object (bench/README.md, "The family object's memory").
  it("reads no row for a rotation or a retry once the family is known; a reuse reads the spent token", async () => {
    const { counted, reads } = counting(memoryFamilyStorage());
    const s = await started(cachedFamilyStorage(counted));
    const { familyId, secret } = s;
    const readsAtStart = { ...reads };

    const rotated = await rotateFamily(s.deps, { familyId, secret });
    s.tick(1_000);
    const retried = await rotateFamily(s.deps, { familyId, secret });
    if (rotated.outcome !== "rotated" || retried.outcome !== "retried")
      throw new Error("no rotation");
    expect(retried.refreshToken).toBe(rotated.refreshToken);
    const next = parseRefreshToken(rotated.refreshToken)?.secret as string;
    expect((await rotateFamily(s.deps, { familyId, secret: next })).outcome).toBe("rotated");
    expect(reads).toEqual(readsAtStart);

    // The first token is two generations old now: only SQL still knows it, and reuse is still caught.
    expect(await rotateFamily(s.deps, { familyId, secret })).toEqual({
      outcome: "reuse",
      userId: USER,
    });
    expect(reads.token).toBeGreaterThan(readsAtStart.token);
    expect(s.deps.storage.family()?.revokedAt).not.toBeNull();
  });

  it("reads the family once after the object starts, then remembers it", async () => {
    const { deps, familyId, secret } = await started();
    // A new memory over the rows the family already has: the object was evicted and came back.
    const { counted, reads } = counting(deps.storage);
    deps.storage = cachedFamilyStorage(counted);
    const rotated = await rotateFamily(deps, { familyId, secret });
    expect(rotated.outcome).toBe("rotated");
    expect(reads).toEqual({ family: 1, token: 1 });
  });
});
