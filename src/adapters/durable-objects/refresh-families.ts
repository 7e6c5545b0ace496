import type { RefreshFamilies } from "../../auth/refresh/types";

/** The RefreshFamilies port over the Durable Object namespace: one object per family id. */
export function createDurableRefreshFamilies(
  ns: DurableObjectNamespace<import("./refresh-family").RefreshFamily>,
): RefreshFamilies {
  const stub = (familyId: string) => ns.get(ns.idFromName(familyId));
  return {
    start: (familyId, userId, claims) => stub(familyId).start({ familyId, userId, claims }),
    rotate: (familyId, secret, admitted) =>
      stub(familyId).rotate(admitted ? { familyId, secret, admitted } : { familyId, secret }),
    revoke: (familyId, reason, secret) =>
      stub(familyId).revoke(secret === undefined ? { reason } : { reason, secret }),
    updateClaims: (familyId, patch) => stub(familyId).updateClaims(patch),
  };
}
