import type { Clock } from "../../ports";
import { hashSecret, newSecret } from "../secrets";
import { familyStartedAt, formatRefreshToken } from "./refresh-token";
import { decideRotation } from "./rotation";
import { openSuccessor, type SuccessorPair, sealSuccessor } from "./successor-box";
import type {
  AdmittedSession,
  IssuedTokens,
  RevokeResult,
  RotateResult,
  SessionClaims,
} from "./types";

/**
 * One refresh-token family (a login session): the rules, apart from where the
 * family is stored. The family's Durable Object (adapters/durable-objects/
 * refresh-family.ts) is a thin shell that gives it storage and a clock; this
 * module decides, so it reads and is tested in one place.
 *
 * Concurrency: calls for one family arrive serialized by its object, but an
 * object interleaves calls at every await. So every await happens before the
 * decision (hashing, signing a candidate successor, sealing it, reading the
 * user's not-before) and the read → decide → write step runs in one
 * `storage.transaction`, synchronous, with no await inside.
 */

/** A family as stored. */
export interface FamilyRecord {
  userId: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
  /** Generation of the newest token (the only one that rotates). */
  currentGeneration: number;
  /** What every access token of the family says besides the standard claims. */
  claims: SessionClaims;
}

/** One token of a family as stored; only the SHA-256 of its secret is kept. */
export interface TokenRecord {
  generation: number;
  /** When it was rotated (spent), or null while it is current. */
  rotatedAt: number | null;
  /** Its successor, sealed under this token, during the grace window. */
  successorBox: string | null;
}

/**
 * The family's own storage (one Durable Object's SQLite). Every method is
 * synchronous; `transaction` runs its function atomically.
 */
export interface FamilyStorage {
  transaction<T>(fn: () => T): T;
  family(): FamilyRecord | null;
  token(secretHash: string): TokenRecord | null;
  create(
    family: Omit<FamilyRecord, "revokedAt" | "currentGeneration"> & { id: string },
    firstSecretHash: string,
  ): void;
  /** Marks `generation` rotated at `at` with its sealed successor, and makes the next one current. */
  rotate(generation: number, at: number, successorBox: string, nextSecretHash: string): void;
  countRetry(generation: number): void;
  /** Sets revokedAt and reason unless already revoked; always drops every sealed successor. */
  revoke(at: number, reason: string): void;
  wipeSuccessorsRotatedBefore(cutoff: number): void;
  setClaims(claims: SessionClaims): void;
  /** Everything, tables included; the family is unknown afterwards. */
  deleteAll(): Promise<void>;
  alarm(): Promise<number | null>;
  setAlarm(at: number): Promise<void>;
}

export interface FamilyPolicy {
  /** Absolute family lifetime from login; no sliding (RFC 9700 §4.14.2). */
  ttlMs: number;
  /** How long an honest retry of the previous token gets the same successor. */
  graceMs: number;
  /** 0 = no idle timeout. */
  idleTimeoutMs: number;
}

export interface FamilyDeps {
  storage: FamilyStorage;
  clock: Clock;
  policy: FamilyPolicy;
  /** Signs an access token for the family's user and session, at `nowMs`. */
  mintAccessToken(
    subject: { userId: string; sessionId: string; claims: SessionClaims },
    nowMs: number,
  ): Promise<{ token: string; expiresIn: number }>;
  /** The user's logout-all time that applies to this family (ms), if any. */
  notBeforeFor(userId: string, familyId: string): Promise<number | null>;
}

interface Minted {
  secretHash: string;
  pair: SuccessorPair;
}

async function mint(
  deps: FamilyDeps,
  familyId: string,
  family: Pick<FamilyRecord, "userId" | "claims">,
  now: number,
): Promise<Minted> {
  const secret = newSecret();
  const access = await deps.mintAccessToken(
    { userId: family.userId, sessionId: familyId, claims: family.claims },
    now,
  );
  return {
    secretHash: await hashSecret(secret),
    pair: {
      refreshToken: formatRefreshToken({ familyId, secret, userId: family.userId }),
      accessToken: access.token,
      accessExpiresAt: Math.floor(now / 1000) + access.expiresIn,
    },
  };
}

function issued(pair: SuccessorPair, userId: string, expiresAt: number, now: number): IssuedTokens {
  return {
    userId,
    refreshToken: pair.refreshToken,
    accessToken: pair.accessToken,
    accessExpiresIn: Math.max(0, pair.accessExpiresAt - Math.floor(now / 1000)),
    refreshExpiresIn: Math.max(0, Math.floor((expiresAt - now) / 1000)),
  };
}

/** Opens the family at login with its first token pair. */
export async function startFamily(
  deps: FamilyDeps,
  input: { familyId: string; userId: string; claims: SessionClaims },
): Promise<IssuedTokens> {
  // The family's start time is the one embedded in its id, so the online
  // check (which reads it from the id) and rotation (which reads it here) agree.
  const now = familyStartedAt(input.familyId);
  if (now === null) throw new Error("malformed family id");
  const expiresAt = now + deps.policy.ttlMs;
  const first = await mint(deps, input.familyId, input, now);
  deps.storage.transaction(() => {
    if (deps.storage.family()) throw new Error("refresh family already started");
    deps.storage.create(
      {
        id: input.familyId,
        userId: input.userId,
        createdAt: now,
        expiresAt,
        lastUsedAt: now,
        claims: input.claims,
      },
      first.secretHash,
    );
  });
  await deps.storage.setAlarm(expiresAt);
  return issued(first.pair, input.userId, expiresAt, now);
}

/**
 * Exchanges a refresh token (RFC 6749 §6) under the rotation rules in ./rotation.ts.
 * `admitted` is what the Worker read for the user the token names (its
 * not-before for this session, in the rate limit's Redis round trip): used
 * only when that user is the family's; a token naming anyone else is refused.
 * Without it (a token minted before user ids were in tokens) the object reads
 * the not-before itself.
 */
export async function rotateFamily(
  deps: FamilyDeps,
  input: { familyId: string; secret: string; admitted?: AdmittedSession },
): Promise<RotateResult> {
  const { storage, policy } = deps;
  const presentedHash = await hashSecret(input.secret);
  const before = storage.family();
  if (!before) return forgetUnknownFamily(storage, { outcome: "invalid", reason: "unknown_token" });
  // A secret that was never one of this family's tokens costs no signing, no
  // sealing and no Redis round trip: anyone who knows a family id (it is not
  // secret) must not be able to make the object do that work. The decision
  // below reads the token again, inside the transaction.
  if (!storage.token(presentedHash)) {
    return { outcome: "invalid", reason: "unknown_token" };
  }
  const { admitted } = input;
  if (admitted && admitted.userId !== before.userId) {
    return { outcome: "invalid", reason: "unknown_token" };
  }

  // The successor is prepared and sealed speculatively (used only if the
  // decision is "rotate") while the user's not-before is on its way from
  // Redis: the crypto hides behind the round trip instead of following it.
  const now = deps.clock.now();
  const [userNotBefore, { next, box }] = await Promise.all([
    admitted ? admitted.notBefore : deps.notBeforeFor(before.userId, input.familyId),
    mint(deps, input.familyId, before, now).then(async (next) => ({
      next,
      box: await sealSuccessor(input.secret, input.familyId, next.pair),
    })),
  ]);

  const decided = storage.transaction(() => {
    // The expiry alarm may have deleted the family while the awaits above ran.
    const family = storage.family();
    if (!family) return null;
    const token = storage.token(presentedHash);
    const decision = decideRotation(
      family,
      token ? { generation: token.generation, rotatedAt: token.rotatedAt } : null,
      now,
      policy,
      userNotBefore,
    );
    // Successors past their window are wiped on every visit (the alarm does it too).
    storage.wipeSuccessorsRotatedBefore(now - policy.graceMs);
    switch (decision.kind) {
      case "rotate":
        storage.rotate(family.currentGeneration, now, box, next.secretHash);
        return { decision, family };
      case "retry":
        storage.countRetry(token?.generation ?? -1);
        return { decision, family, box: token?.successorBox ?? null };
      case "reuse":
        storage.revoke(now, "reuse");
        return { decision, family };
      default:
        return { decision, family };
    }
  });

  if (!decided) return { outcome: "invalid", reason: "unknown_token" };
  const { decision, family } = decided;
  switch (decision.kind) {
    case "rotate":
      await scheduleAlarm(storage, now + policy.graceMs, family.expiresAt);
      return {
        outcome: "rotated",
        previousUseAt: family.lastUsedAt,
        ...issued(next.pair, family.userId, family.expiresAt, now),
      };
    case "retry": {
      const sealed = "box" in decided ? decided.box : null;
      const pair = sealed ? await openSuccessor(input.secret, input.familyId, sealed) : null;
      if (!pair) return { outcome: "invalid", reason: "unknown_token" };
      return { outcome: "retried", ...issued(pair, family.userId, family.expiresAt, now) };
    }
    case "reuse":
      return { outcome: "reuse", userId: family.userId };
    default:
      return { outcome: "invalid", reason: decision.reason };
  }
}

/**
 * Revokes the family. With `secret`, only if it is a token of this family
 * (logout, RFC 7009 §2.1); without, for callers that proved ownership otherwise.
 */
export async function revokeFamily(
  deps: FamilyDeps,
  input: { reason: string; secret?: string },
): Promise<RevokeResult> {
  const proofHash = input.secret === undefined ? null : await hashSecret(input.secret);
  const now = deps.clock.now();
  const { storage } = deps;
  if (!storage.family()) return forgetUnknownFamily(storage, { revoked: false });
  return storage.transaction((): RevokeResult => {
    const family = storage.family();
    if (!family) return { revoked: false };
    if (proofHash !== null && !storage.token(proofHash)) return { revoked: false };
    storage.revoke(now, input.reason);
    return { revoked: true, userId: family.userId };
  });
}

/**
 * Changes what the family's next access tokens say (today `email_verified`),
 * in one place for every claim: tokens already issued keep theirs until they
 * expire. A family that is gone has nothing to change.
 */
export function updateFamilyClaims(deps: FamilyDeps, patch: Partial<SessionClaims>): void {
  const { storage } = deps;
  storage.transaction(() => {
    const family = storage.family();
    if (family) storage.setClaims({ ...family.claims, ...patch });
  });
}

/**
 * A call for a family this object never started (a made-up id in a refresh or
 * logout) or one already deleted: the object's constructor made its tables, so
 * they are dropped again and the object keeps nothing. Otherwise every made-up
 * id would leave an object with storage behind, for as long as the platform
 * keeps it.
 */
async function forgetUnknownFamily<T>(storage: FamilyStorage, answer: T): Promise<T> {
  await storage.deleteAll();
  return answer;
}

/** Wipes expired successors; deletes everything once the family has expired. */
export async function runFamilyAlarm(deps: FamilyDeps): Promise<void> {
  const { storage } = deps;
  const family = storage.family();
  const now = deps.clock.now();
  if (!family || now >= family.expiresAt) {
    await storage.deleteAll();
    return;
  }
  storage.wipeSuccessorsRotatedBefore(now - deps.policy.graceMs);
  await storage.setAlarm(family.expiresAt);
}

async function scheduleAlarm(storage: FamilyStorage, wipeAt: number, expiresAt: number) {
  const current = await storage.alarm();
  const at = Math.min(wipeAt, expiresAt);
  if (current === null || at < current) await storage.setAlarm(at);
}
