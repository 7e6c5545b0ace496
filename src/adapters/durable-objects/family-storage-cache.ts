import type { FamilyRecord, FamilyStorage, TokenRecord } from "../../auth/refresh/family";

/** One remembered token: its secret's hash and its row. Edited in place, never handed out. */
interface Slot {
  hash: string;
  token: TokenRecord;
}

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
 * What is remembered is edited in place and two token slots are reused from
 * rotation to rotation, so a rotation leaves nothing new behind in memory (what
 * lives from one rotation to the next would reach V8's old generation: `npm run
 * bench:gc`). Readers get frozen copies, so a caller holding one cannot see it
 * move or move it.
 */
export function cachedFamilyStorage(inner: FamilyStorage): FamilyStorage {
  /** The family row; undefined until read (null: there is none). */
  let family: FamilyRecord | null | undefined;
  /** The current token and the one it replaced, when known. */
  let current: Slot | null = null;
  let previous: Slot | null = null;

  const forget = () => {
    family = undefined;
    current = null;
    previous = null;
  };
  /** Drops the remembered sealed successors that `keep` does not keep, as the statement beneath did. */
  const wipeBoxes = (keep: (t: TokenRecord) => boolean) => {
    for (const slot of [current, previous]) {
      if (slot && slot.token.successorBox !== null && !keep(slot.token)) {
        slot.token.successorBox = null;
      }
    }
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
        family = read && { ...read, claims: Object.freeze({ ...read.claims }) };
      }
      return family && Object.freeze({ ...family });
    },

    token(secretHash) {
      const known =
        current?.hash === secretHash ? current : previous?.hash === secretHash ? previous : null;
      if (known) return Object.freeze({ ...known.token });
      const read = inner.token(secretHash);
      // Only a current or just-spent token is worth keeping; older ones come up only on reuse.
      if (read && family) {
        const slot = { hash: secretHash, token: { ...read } };
        if (read.generation === family.currentGeneration) current = slot;
        else if (read.generation === family.currentGeneration - 1) previous = slot;
      }
      return read;
    },

    create(record, firstSecretHash) {
      inner.create(record, firstSecretHash);
      const { id: _id, ...rest } = record;
      family = {
        ...rest,
        claims: Object.freeze({ ...rest.claims }),
        revokedAt: null,
        currentGeneration: 1,
      };
      current = {
        hash: firstSecretHash,
        token: { generation: 1, rotatedAt: null, successorBox: null },
      };
      previous = null;
    },

    rotate(generation, at, successorBox, nextSecretHash) {
      inner.rotate(generation, at, successorBox, nextSecretHash);
      // The spent token becomes the previous one; the old previous slot is reused for the next.
      const spent = current?.token.generation === generation ? current : null;
      const spare = previous ?? {
        hash: "",
        token: { generation: 0, rotatedAt: null, successorBox: null },
      };
      if (spent) {
        spent.token.rotatedAt = at;
        spent.token.successorBox = successorBox;
      }
      previous = spent;
      spare.hash = nextSecretHash;
      spare.token.generation = generation + 1;
      spare.token.rotatedAt = null;
      spare.token.successorBox = null;
      current = spare;
      if (family) {
        family.currentGeneration = generation + 1;
        family.lastUsedAt = at;
      }
    },

    countRetry(generation) {
      // The retry count is not part of a TokenRecord: nothing remembered changes.
      inner.countRetry(generation);
    },

    revoke(at, reason) {
      inner.revoke(at, reason);
      if (family && family.revokedAt === null) family.revokedAt = at;
      wipeBoxes(() => false);
    },

    wipeSuccessorsRotatedBefore(cutoff) {
      inner.wipeSuccessorsRotatedBefore(cutoff);
      wipeBoxes((t) => t.rotatedAt === null || t.rotatedAt >= cutoff);
    },

    setClaims(claims) {
      inner.setClaims(claims);
      if (family) family.claims = Object.freeze({ ...claims });
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
