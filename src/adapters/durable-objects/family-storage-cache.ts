import type { FamilyRecord, FamilyStorage, TokenRecord } from "../../auth/refresh/family";

/** Tokens remembered besides the SQL rows: the current one and the one it replaced. */
const REMEMBERED_GENERATIONS = 2;

/**
 * The family's storage with what its object last read or wrote kept in memory:
 * the family row, and the current and previous tokens, the only two a rotation
 * or an honest retry presents. A rotation then reads no row: it used to read
 * the family and the presented token twice each (before its awaits and again
 * inside its transaction), four statements of its nine.
 *
 * Sound because the object is the only writer of its storage and every write
 * goes through here: each write is applied to SQL first and then to memory, and
 * a transaction that throws (SQLite rolled it back) forgets everything, so the
 * next read goes to SQL again. Memory lives as long as the object does; a new
 * instance starts empty. This is the object's own state, not module state: one
 * object per family still serializes its calls (refresh-family.ts).
 *
 * Records handed out are frozen and replaced on every change, never edited in
 * place, so a caller holding one cannot see it move or move it.
 */
export function cachedFamilyStorage(inner: FamilyStorage): FamilyStorage {
  /** The family row; undefined until read (null: there is none). */
  let family: FamilyRecord | null | undefined;
  /** Secret hash → token, for at most REMEMBERED_GENERATIONS of the newest generations. */
  const tokens = new Map<string, TokenRecord>();

  const forget = () => {
    family = undefined;
    tokens.clear();
  };
  const remember = (hash: string, token: TokenRecord) => {
    tokens.set(hash, Object.freeze(token));
    // Keep the newest generations only; an older one is read from SQL if presented (reuse).
    let newest = token.generation;
    for (const t of tokens.values()) newest = Math.max(newest, t.generation);
    for (const [key, t] of tokens) {
      if (t.generation <= newest - REMEMBERED_GENERATIONS) tokens.delete(key);
    }
  };
  const updateTokens = (change: (t: TokenRecord) => TokenRecord) => {
    for (const [key, t] of tokens) tokens.set(key, Object.freeze(change(t)));
  };
  const updateFamily = (change: (f: FamilyRecord) => FamilyRecord) => {
    if (family) family = Object.freeze(change(family));
    else family = undefined;
  };

  return {
    transaction(fn) {
      try {
        return inner.transaction(fn);
      } catch (err) {
        forget();
        throw err;
      }
    },

    family() {
      if (family === undefined) {
        const read = inner.family();
        family = read && Object.freeze({ ...read, claims: Object.freeze(read.claims) });
      }
      return family;
    },

    token(secretHash) {
      const known = tokens.get(secretHash);
      if (known) return known;
      const read = inner.token(secretHash);
      // Only a current or just-spent token is worth keeping; older ones come up only on reuse.
      if (read && family && read.generation >= family.currentGeneration - 1) {
        remember(secretHash, { ...read });
      }
      return read;
    },

    create(record, firstSecretHash) {
      inner.create(record, firstSecretHash);
      const { id: _id, ...rest } = record;
      family = Object.freeze({
        ...rest,
        claims: Object.freeze({ ...rest.claims }),
        revokedAt: null,
        currentGeneration: 1,
      });
      tokens.clear();
      remember(firstSecretHash, { generation: 1, rotatedAt: null, successorBox: null });
    },

    rotate(generation, at, successorBox, nextSecretHash) {
      inner.rotate(generation, at, successorBox, nextSecretHash);
      updateTokens((t) =>
        t.generation === generation ? { ...t, rotatedAt: at, successorBox } : t,
      );
      remember(nextSecretHash, { generation: generation + 1, rotatedAt: null, successorBox: null });
      updateFamily((f) => ({ ...f, currentGeneration: generation + 1, lastUsedAt: at }));
    },

    countRetry(generation) {
      // The retry count is not part of a TokenRecord: nothing remembered changes.
      inner.countRetry(generation);
    },

    revoke(at, reason) {
      inner.revoke(at, reason);
      updateFamily((f) => (f.revokedAt === null ? { ...f, revokedAt: at } : f));
      updateTokens((t) => (t.successorBox === null ? t : { ...t, successorBox: null }));
    },

    wipeSuccessorsRotatedBefore(cutoff) {
      inner.wipeSuccessorsRotatedBefore(cutoff);
      updateTokens((t) =>
        t.successorBox !== null && t.rotatedAt !== null && t.rotatedAt < cutoff
          ? { ...t, successorBox: null }
          : t,
      );
    },

    setClaims(claims) {
      inner.setClaims(claims);
      updateFamily((f) => ({ ...f, claims: Object.freeze({ ...claims }) }));
    },

    async deleteAll() {
      try {
        await inner.deleteAll();
      } finally {
        forget();
      }
    },

    alarm: () => inner.alarm(),
    setAlarm: (at) => inner.setAlarm(at),
  };
}
