import type { passkeyAuditEvents } from "./events";

/** A registered passkey as stored. */
export interface PasskeyRecord {
  id: string;
  userId: string;
  /** base64url credential id, as the authenticator names it. */
  credentialId: string;
  /** COSE public key. */
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  /** `singleDevice` (a hardware key) or `multiDevice` (synced). */
  deviceType: string;
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewPasskey = Omit<PasskeyRecord, "createdAt" | "lastUsedAt">;

/** Passkeys in Postgres (./adapters/passkey-store.ts); each method one statement. */
export interface PasskeyStore {
  listForUser(userId: string): Promise<PasskeyRecord[]>;
  /** Whether the user has any passkey: asked on every sign-in (by the MFA gate), so one row at most. */
  hasAny(userId: string): Promise<boolean>;
  findByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  /** False when the credential id is registered already (to anyone). */
  insert(passkey: NewPasskey): Promise<boolean>;
  /**
   * Records a use with its signature counter, compare-and-swap: accepted only
   * if the counter went up, or stays 0 on both sides (authenticators that do
   * not count, as synced passkeys do). False = a possible clone.
   */
  recordUse(id: string, counter: number): Promise<boolean>;
  rename(userId: string, id: string, name: string): Promise<boolean>;
  remove(userId: string, id: string): Promise<boolean>;
}

/** A started ceremony: its challenge, what it is for, and whose it is. */
export interface PasskeyFlow {
  purpose: "register" | "login";
  challenge: string;
  /** Registration: the signed-in user. Login: the user named by email, if one was. */
  userId: string | null;
}

/** Ceremony state (Redis): single use, short-lived, taken with one GETDEL. */
export interface PasskeyFlowStore {
  save(flowHash: string, flow: PasskeyFlow, ttlSeconds: number): Promise<void>;
  take(flowHash: string): Promise<PasskeyFlow | null>;
}

declare module "../../ports" {
  interface AuditEventRegistry extends Record<(typeof passkeyAuditEvents)[number], true> {}
}

declare module "../../auth/sign-in" {
  interface SignInMethodRegistry {
    /** A WebAuthn assertion of a registered passkey. */
    passkey: true;
  }
}
