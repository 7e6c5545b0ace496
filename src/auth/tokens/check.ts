import type { Clock, RevocationList } from "../../ports";
import { verifyAccessToken } from "./access-token";
import type { AccessTokenClaims, VerifyFailure, VerifySettings } from "./claims";
import type { SigningKeySet } from "./signing-keys";

export type CheckFailure = VerifyFailure | "revoked";

export type CheckResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; error: CheckFailure };

/** A check's answer with what a read beside it returned (only for a live token). */
export type CheckResultWith<T> =
  | { ok: true; claims: AccessTokenClaims; read: T }
  | { ok: false; error: CheckFailure };

export interface CheckDeps {
  keys: SigningKeySet;
  settings: VerifySettings;
  clock: Clock;
  revocation: Pick<RevocationList, "isRevoked">;
}

/**
 * The online check behind /v1/me, the `verify()` RPC and introspection: local
 * crypto and claims first (cheap, rejects forgeries without I/O), then one
 * Redis round trip for the session denylist and the user's not-before. The
 * service's own routes put no cache in front of that lookup, so a logout is
 * effective at once; consumers' checks over the binding may opt into a bounded
 * window (REVOCATION_CACHE_MS, ./revocation-cache.ts).
 */
export async function checkAccessToken(deps: CheckDeps, token: string): Promise<CheckResult> {
  const local = await verifyAccessToken(deps.keys, deps.settings, deps.clock, token);
  if (!local.ok) return { ok: false, error: local.reason };
  if (await deps.revocation.isRevoked(local.claims)) return { ok: false, error: "revoked" };
  return { ok: true, claims: local.claims };
}

/**
 * The same check, with a read the caller needs anyway (`/v1/me`'s user row)
 * started once the signature and claims hold, in parallel with the revocation
 * lookup instead of after it: one round trip of latency instead of two. What
 * the read returns is handed back only for a token that is not revoked; for a
 * revoked one it is dropped unseen.
 */
export async function checkAccessTokenAlongside<T>(
  deps: CheckDeps,
  token: string,
  read: (claims: AccessTokenClaims) => Promise<T>,
): Promise<CheckResultWith<T>> {
  const local = await verifyAccessToken(deps.keys, deps.settings, deps.clock, token);
  if (!local.ok) return { ok: false, error: local.reason };
  const [revoked, value] = await Promise.all([
    deps.revocation.isRevoked(local.claims),
    read(local.claims),
  ]);
  if (revoked) return { ok: false, error: "revoked" };
  return { ok: true, claims: local.claims, read: value };
}
