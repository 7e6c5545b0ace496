// An in-memory FamilyStorage for unit tests of src/auth/refresh/family.ts. It
// passes the same contract as the Durable Object's SQLite adapter
// (test/contract/family-storage.ts).
import type { FamilyRecord, FamilyStorage, TokenRecord } from "../../../src/auth/refresh/family";

interface State {
  family: (FamilyRecord & { revokeReason: string | null }) | null;
  tokens: Map<string, TokenRecord>;
  alarm: number | null;
}

export function memoryFamilyStorage(): FamilyStorage & { snapshot(): State } {
  let state: State = { family: null, tokens: new Map(), alarm: null };
  const copy = (s: State): State => ({
    family: s.family ? { ...s.family, claims: { ...s.family.claims } } : null,
    tokens: new Map([...s.tokens].map(([k, v]) => [k, { ...v }])),
    alarm: s.alarm,
  });
  const live = () => {
    if (!state.family) throw new Error("no such table: family");
    return state.family;
  };
  return {
    snapshot: () => copy(state),
    transaction(fn) {
      const before = copy(state);
      try {
        return fn();
      } catch (err) {
        state = before;
        throw err;
      }
    },
    family: () => {
      if (!state.family) return null;
      const { revokeReason: _reason, ...family } = state.family;
      return { ...family, claims: { ...family.claims } };
    },
    token: (hash) => {
      const t = state.tokens.get(hash);
      return t ? { ...t } : null;
    },
    create(family, firstSecretHash) {
      const { id: _id, ...rest } = family;
      state.family = { ...rest, revokedAt: null, revokeReason: null, currentGeneration: 1 };
      state.tokens.set(firstSecretHash, { generation: 1, rotatedAt: null, successorBox: null });
    },
    rotate(generation, at, box, next) {
      if (state.tokens.has(next)) throw new Error("UNIQUE constraint failed: tokens.secret_hash");
      for (const t of state.tokens.values()) {
        if (t.generation === generation) Object.assign(t, { rotatedAt: at, successorBox: box });
      }
      state.tokens.set(next, { generation: generation + 1, rotatedAt: null, successorBox: null });
      Object.assign(live(), { currentGeneration: generation + 1, lastUsedAt: at });
    },
    countRetry() {},
    revoke(at, reason) {
      const f = live();
      if (f.revokedAt === null) Object.assign(f, { revokedAt: at, revokeReason: reason });
      for (const t of state.tokens.values()) t.successorBox = null;
    },
    wipeSuccessorsRotatedBefore(cutoff) {
      for (const t of state.tokens.values()) {
        if (t.rotatedAt !== null && t.rotatedAt < cutoff) t.successorBox = null;
      }
    },
    setClaims(claims) {
      live().claims = { ...claims };
    },
    async deleteAll() {
      state = { family: null, tokens: new Map(), alarm: null };
    },
    alarm: async () => state.alarm,
    setAlarm: async (at) => {
      state.alarm = at;
    },
  };
}
