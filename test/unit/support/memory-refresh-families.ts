// The RefreshFamilies port for unit tests: the real family rules
// (src/auth/refresh/family.ts) over one in-memory storage per family, which
// passes the Durable Object storage's contract (test/contract/family-storage.ts).
// `before` hooks see each call first (to record it, or to throw as an outage).
import {
  type FamilyDeps,
  revokeFamily,
  rotateFamily,
  startFamily,
  updateFamilyClaims,
} from "../../../src/auth/refresh/family";
import type { RefreshFamilies } from "../../../src/auth/refresh/types";
import { memoryFamilyStorage } from "./memory-family-storage";

export type RefreshFamiliesHooks = {
  [K in keyof RefreshFamilies]?: (...args: Parameters<RefreshFamilies[K]>) => void;
};

export function memoryRefreshFamilies(
  opts: { before?: RefreshFamiliesHooks; now?: () => number } = {},
): RefreshFamilies {
  const hooks = opts.before ?? {};
  const families = new Map<string, FamilyDeps>();
  const family = (familyId: string): FamilyDeps => {
    let deps = families.get(familyId);
    if (!deps) {
      deps = {
        storage: memoryFamilyStorage(),
        clock: { now: opts.now ?? (() => Date.now()) },
        policy: { ttlMs: 3_600_000, graceMs: 10_000, idleTimeoutMs: 0 },
        mintAccessToken: async () => ({ token: `at-${crypto.randomUUID()}`, expiresIn: 900 }),
        notBeforeFor: async () => null,
      };
      families.set(familyId, deps);
    }
    return deps;
  };
  return {
    async start(familyId, userId, claims) {
      hooks.start?.(familyId, userId, claims);
      return startFamily(family(familyId), { familyId, userId, claims });
    },
    async rotate(familyId, secret) {
      hooks.rotate?.(familyId, secret);
      return rotateFamily(family(familyId), { familyId, secret });
    },
    async revoke(familyId, reason, secret) {
      hooks.revoke?.(familyId, reason, secret);
      return revokeFamily(family(familyId), secret === undefined ? { reason } : { reason, secret });
    },
    async updateClaims(familyId, patch) {
      hooks.updateClaims?.(familyId, patch);
      updateFamilyClaims(family(familyId), patch);
    },
  };
}
