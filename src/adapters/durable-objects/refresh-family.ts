import { DurableObject } from "cloudflare:workers";
import {
  type FamilyDeps,
  type FamilyStorage,
  revokeFamily,
  rotateFamily,
  runFamilyAlarm,
  startFamily,
  updateFamilyClaims,
} from "../../auth/refresh/family";
import type {
  AdmittedSession,
  IssuedTokens,
  RevokeResult,
  RotateResult,
  SessionClaims,
} from "../../auth/refresh/types";
import { createFamilyDeps } from "../../composition-root";
import { ConfigError, configFromEnv } from "../../config";
import { createFamilyStorage, migrateFamilySchema } from "./family-storage";
import { cachedFamilyStorage } from "./family-storage-cache";

/** A family object's storage: its SQLite rows with the object's memory in front. */
export function familyStorageOf(storage: DurableObjectStorage): FamilyStorage {
  return cachedFamilyStorage(createFamilyStorage(storage));
}

/**
 * One refresh-token family (a login session), as a Durable Object: its
 * storage, and one object per family so calls for it are serialized here,
 * never in module state. What the family decides lives in
 * auth/refresh/family.ts; this class only hands it storage and dependencies.
 */
export class RefreshFamily extends DurableObject<Env> {
  private readonly storage = familyStorageOf(this.ctx.storage);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => migrateFamilySchema(ctx.storage.sql));
  }

  private deps(): FamilyDeps {
    const config = configFromEnv(this.env);
    if (config instanceof ConfigError) throw config;
    return createFamilyDeps(config, this.storage);
  }

  /** Opens the family at login with its first token pair. */
  start(input: { familyId: string; userId: string; claims: SessionClaims }): Promise<IssuedTokens> {
    return startFamily(this.deps(), input);
  }

  rotate(input: {
    familyId: string;
    secret: string;
    admitted?: AdmittedSession;
  }): Promise<RotateResult> {
    return rotateFamily(this.deps(), input);
  }

  revoke(input: { reason: string; secret?: string }): Promise<RevokeResult> {
    return revokeFamily(this.deps(), input);
  }

  async updateClaims(patch: Partial<SessionClaims>): Promise<void> {
    updateFamilyClaims(this.deps(), patch);
  }

  override alarm(): Promise<void> {
    return runFamilyAlarm(this.deps());
  }
}
