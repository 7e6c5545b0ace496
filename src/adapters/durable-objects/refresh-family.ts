import { DurableObject } from "cloudflare:workers";
import { FIRST_PARTY_CLIENT_ID } from "../../auth/client";
import {
  familyStartedAt,
  formatRefreshToken,
  hashSecret,
  newSecret,
} from "../../auth/refresh/refresh-token";
import { decideRotation } from "../../auth/refresh/rotation";
import { openSuccessor, type SuccessorPair, sealSuccessor } from "../../auth/refresh/successor-box";
import type { IssuedTokens, RevokeResult, RotateResult } from "../../auth/refresh/types";
import { issueAccessToken } from "../../auth/tokens/access-token";
import { loadSigningKeys } from "../../auth/tokens/signing-keys";
import { type Config, ConfigError, configFromEnv } from "../../config";
import { systemClock } from "../../ports";
import { createRedis } from "../redis/client";
import { createRedisRevocationList } from "../redis/revocation";

interface FamilyRow extends Record<string, SqlStorageValue> {
  user_id: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  revoked_at: number | null;
  current_generation: number;
  email_verified: number;
}

interface TokenRow extends Record<string, SqlStorageValue> {
  generation: number;
  rotated_at: number | null;
  successor_box: string | null;
}

/**
 * One refresh-token family (a login session). It alone decides rotations, so
 * concurrent refreshes of one token are serialized here, never in module state.
 *
 * Every await happens before the decision (hashing, signing a candidate
 * successor, sealing it, reading the user's not-before); the read → decide →
 * write step is synchronous SQLite inside `transactionSync`, so no other call
 * can interleave with it. Storage holds SHA-256 hashes of secrets only, plus,
 * for the grace window, the successor sealed under the rotated token.
 */
export class RefreshFamily extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /**
   * Set once the expiry alarm has deleted this family's storage (tables
   * included). The live object may still be asked to rotate or revoke; it then
   * answers as for an unknown family instead of querying tables that are gone.
   */
  private deleted = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS family (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL,
        revoked_at INTEGER, revoke_reason TEXT, current_generation INTEGER NOT NULL)`);
      this.sql.exec(`CREATE TABLE IF NOT EXISTS tokens (
        generation INTEGER PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE,
        issued_at INTEGER NOT NULL, rotated_at INTEGER, successor_box TEXT,
        retries INTEGER NOT NULL DEFAULT 0)`);
      // Added with the email flows; families created before have no such column.
      const columns = this.sql.exec<{ name: string }>("PRAGMA table_info(family)").toArray();
      if (!columns.some((c) => c.name === "email_verified")) {
        this.sql.exec("ALTER TABLE family ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0");
      }
    });
  }

  private config(): Config {
    const config = configFromEnv(this.env);
    if (config instanceof ConfigError) throw config;
    return config;
  }

  private family(): FamilyRow | null {
    if (this.deleted) return null;
    return this.sql.exec<FamilyRow>("SELECT * FROM family LIMIT 1").toArray()[0] ?? null;
  }

  /** The generation and state of the family's token with this secret hash, if it is one. */
  private token(secretHash: string): TokenRow | null {
    return (
      this.sql
        .exec<TokenRow>(
          "SELECT generation, rotated_at, successor_box FROM tokens WHERE secret_hash = ?",
          secretHash,
        )
        .toArray()[0] ?? null
    );
  }

  private async issue(
    config: Config,
    familyId: string,
    userId: string,
    emailVerified: boolean,
    expiresAt: number,
    now: number,
  ) {
    const secret = newSecret();
    const access = await issueAccessToken(
      await loadSigningKeys(config.signingKeys),
      {
        issuer: config.issuer,
        audience: config.audience,
        clientId: FIRST_PARTY_CLIENT_ID,
        ttlSeconds: config.accessTokenTtlSeconds,
        format: config.accessTokenFormat,
      },
      { now: () => now },
      { userId, sessionId: familyId, emailVerified },
    );
    const pair: SuccessorPair = {
      refreshToken: formatRefreshToken({ familyId, secret }),
      accessToken: access.token,
      accessExpiresAt: Math.floor(now / 1000) + access.expiresIn,
    };
    return { secretHash: await hashSecret(secret), pair, expiresAt };
  }

  private tokens(
    pair: SuccessorPair,
    userId: string,
    expiresAt: number,
    now: number,
  ): IssuedTokens {
    return {
      userId,
      refreshToken: pair.refreshToken,
      accessToken: pair.accessToken,
      accessExpiresIn: Math.max(0, pair.accessExpiresAt - Math.floor(now / 1000)),
      refreshExpiresIn: Math.max(0, Math.floor((expiresAt - now) / 1000)),
    };
  }

  /** Opens the family at login with its first token pair. */
  async start(input: {
    familyId: string;
    userId: string;
    emailVerified: boolean;
  }): Promise<IssuedTokens> {
    const config = this.config();
    // The family's start time is the one embedded in its id, so the online
    // check (which reads it from the id) and rotation (which reads it here) agree.
    const now = familyStartedAt(input.familyId);
    if (now === null) throw new Error("malformed family id");
    const expiresAt = now + config.refresh.ttlSeconds * 1000;
    const first = await this.issue(
      config,
      input.familyId,
      input.userId,
      input.emailVerified,
      expiresAt,
      now,
    );
    this.ctx.storage.transactionSync(() => {
      if (this.family()) throw new Error("refresh family already started");
      this.sql.exec(
        "INSERT INTO family (id, user_id, created_at, expires_at, last_used_at, current_generation, email_verified) VALUES (?, ?, ?, ?, ?, 1, ?)",
        input.familyId,
        input.userId,
        now,
        expiresAt,
        now,
        input.emailVerified ? 1 : 0,
      );
      this.sql.exec(
        "INSERT INTO tokens (generation, secret_hash, issued_at) VALUES (1, ?, ?)",
        first.secretHash,
        now,
      );
    });
    await this.ctx.storage.setAlarm(expiresAt);
    return this.tokens(first.pair, input.userId, expiresAt, now);
  }

  /** Exchanges a refresh token (RFC 6749 §6) under the rotation rules in auth/refresh/rotation.ts. */
  async rotate(input: { familyId: string; secret: string }): Promise<RotateResult> {
    const config = this.config();
    const presentedHash = await hashSecret(input.secret);
    const before = this.family();
    // A secret that was never one of this family's tokens costs no signing, no
    // sealing and no Redis round trip: anyone who knows a family id (it is not
    // secret) must not be able to make the object do that work. The decision
    // below reads the token again, inside the transaction.
    if (!before || !this.token(presentedHash)) {
      return { outcome: "invalid", reason: "unknown_token" };
    }
    const revocation = createRedisRevocationList(createRedis(config));

    // The successor is prepared and sealed speculatively (used only if the
    // decision is "rotate") while the user's not-before is on its way from
    // Redis: the crypto hides behind the round trip instead of following it.
    const now = systemClock.now();
    const [userNotBefore, { next, box }] = await Promise.all([
      revocation.notBeforeFor(before.user_id, input.familyId),
      this.issue(
        config,
        input.familyId,
        before.user_id,
        before.email_verified === 1,
        before.expires_at,
        now,
      ).then(async (next) => ({
        next,
        box: await sealSuccessor(input.secret, input.familyId, next.pair),
      })),
    ]);
    const policy = {
      graceMs: config.refresh.reuseGraceSeconds * 1000,
      idleTimeoutMs: config.refresh.idleTimeoutSeconds * 1000,
    };

    const decided = this.ctx.storage.transactionSync(() => {
      // The expiry alarm may have deleted the family while the awaits above ran.
      const family = this.family();
      if (!family) return null;
      const token = this.token(presentedHash);
      const decision = decideRotation(
        {
          createdAt: family.created_at,
          expiresAt: family.expires_at,
          lastUsedAt: family.last_used_at,
          revokedAt: family.revoked_at,
          currentGeneration: family.current_generation,
        },
        token ? { generation: token.generation, rotatedAt: token.rotated_at } : null,
        now,
        policy,
        userNotBefore,
      );
      // Successors past their window are wiped on every visit (the alarm does it too).
      this.wipeSuccessorsRotatedBefore(now - policy.graceMs);
      switch (decision.kind) {
        case "rotate": {
          const g = family.current_generation;
          this.sql.exec(
            "UPDATE tokens SET rotated_at = ?, successor_box = ? WHERE generation = ?",
            now,
            box,
            g,
          );
          this.sql.exec(
            "INSERT INTO tokens (generation, secret_hash, issued_at) VALUES (?, ?, ?)",
            g + 1,
            next.secretHash,
            now,
          );
          this.sql.exec("UPDATE family SET current_generation = ?, last_used_at = ?", g + 1, now);
          return { decision, family };
        }
        case "retry":
          this.sql.exec(
            "UPDATE tokens SET retries = retries + 1 WHERE generation = ?",
            token?.generation ?? -1,
          );
          return { decision, family, box: token?.successor_box ?? null };
        case "reuse":
          this.sql.exec("UPDATE family SET revoked_at = ?, revoke_reason = 'reuse'", now);
          this.sql.exec("UPDATE tokens SET successor_box = NULL WHERE successor_box IS NOT NULL");
          return { decision, family };
        default:
          return { decision, family };
      }
    });

    if (!decided) return { outcome: "invalid", reason: "unknown_token" };
    const { decision, family } = decided;
    switch (decision.kind) {
      case "rotate":
        await this.scheduleAlarm(now + policy.graceMs, family.expires_at);
        return {
          outcome: "rotated",
          previousUseAt: family.last_used_at,
          ...this.tokens(next.pair, family.user_id, family.expires_at, now),
        };
      case "retry": {
        const sealed = "box" in decided ? decided.box : null;
        const pair = sealed ? await openSuccessor(input.secret, input.familyId, sealed) : null;
        if (!pair) return { outcome: "invalid", reason: "unknown_token" };
        return { outcome: "retried", ...this.tokens(pair, family.user_id, family.expires_at, now) };
      }
      case "reuse":
        return { outcome: "reuse", userId: family.user_id };
      default:
        return { outcome: "invalid", reason: decision.reason };
    }
  }

  /** The verify-email flow tells the user's live families; their next tokens carry it. */
  async setEmailVerified(verified: boolean): Promise<void> {
    if (this.deleted) return;
    this.sql.exec("UPDATE family SET email_verified = ?", verified ? 1 : 0);
  }

  /**
   * Revokes the family. With `secret`, only if it is a token of this family
   * (logout, RFC 7009 §2.1); without, for callers that proved ownership otherwise.
   */
  async revoke(input: { reason: string; secret?: string }): Promise<RevokeResult> {
    const proofHash = input.secret === undefined ? null : await hashSecret(input.secret);
    const now = systemClock.now();
    return this.ctx.storage.transactionSync((): RevokeResult => {
      const family = this.family();
      if (!family) return { revoked: false };
      if (proofHash !== null) {
        const known =
          this.sql.exec("SELECT 1 FROM tokens WHERE secret_hash = ?", proofHash).toArray().length >
          0;
        if (!known) return { revoked: false };
      }
      if (family.revoked_at === null) {
        this.sql.exec("UPDATE family SET revoked_at = ?, revoke_reason = ?", now, input.reason);
      }
      this.sql.exec("UPDATE tokens SET successor_box = NULL WHERE successor_box IS NOT NULL");
      return { revoked: true, userId: family.user_id };
    });
  }

  private async scheduleAlarm(wipeAt: number, expiresAt: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    const at = Math.min(wipeAt, expiresAt);
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  /** Wipes expired successors; deletes everything once the family has expired. */
  override async alarm(): Promise<void> {
    const family = this.family();
    const now = systemClock.now();
    if (!family || now >= family.expires_at) {
      await this.ctx.storage.deleteAll();
      this.deleted = true;
      return;
    }
    this.wipeSuccessorsRotatedBefore(now - this.config().refresh.reuseGraceSeconds * 1000);
    await this.ctx.storage.setAlarm(family.expires_at);
  }

  /**
   * Sealed successors whose grace window has closed. Only rows that still hold
   * a box: spent tokens are kept for reuse detection, and rewriting them all
   * would cost O(generations) rows written per visit.
   */
  private wipeSuccessorsRotatedBefore(cutoff: number): void {
    this.sql.exec(
      "UPDATE tokens SET successor_box = NULL WHERE rotated_at < ? AND successor_box IS NOT NULL",
      cutoff,
    );
  }
}
