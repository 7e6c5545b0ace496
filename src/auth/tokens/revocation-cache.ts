import type { Clock, RevocationList } from "../../ports";

/** Entries one isolate keeps; past this the oldest answer is dropped first. */
export const MAX_CACHED_ANSWERS = 10_000;

interface Answer {
  revoked: boolean;
  /** When a "not revoked" answer stops being reused (ms); a "revoked" one never expires. */
  until: number;
}

/**
 * Answers of one isolate, kept between requests. This is a cache, not a lock:
 * each isolate has its own and none decides anything for another, so the only
 * effect of there being many is that each has its own window.
 */
const isolateAnswers = new Map<string, Answer>();

/**
 * The opt-in bounded staleness of REVOCATION_CACHE_MS (default 0: off) for the
 * checks consumer Workers make over the binding (`verify()`, `authorize()`,
 * `introspect()`). A "not revoked" answer is reused by this isolate for at most
 * `windowMs` after Redis gave it, so a logout or a logout-all reaches such a
 * check at most `windowMs` late. A "revoked" answer is final (a session's
 * denylist entry outlives its tokens and a user's not-before only rises), so it
 * is reused until it is evicted. With `windowMs` 0 every check asks Redis.
 */
export function cachedRevocationCheck(
  inner: Pick<RevocationList, "isRevoked">,
  windowMs: number,
  clock: Clock,
  answers: Map<string, Answer> = isolateAnswers,
): Pick<RevocationList, "isRevoked"> {
  if (windowMs <= 0) return inner;
  return {
    async isRevoked(claims) {
      const key = `${claims.sid}\n${claims.sub}`;
      const now = clock.now();
      const known = answers.get(key);
      if (known && (known.revoked || now < known.until)) return known.revoked;
      const revoked = await inner.isRevoked(claims);
      answers.delete(key);
      if (answers.size >= MAX_CACHED_ANSWERS) {
        const oldest = answers.keys().next();
        if (!oldest.done) answers.delete(oldest.value);
      }
      answers.set(key, { revoked, until: now + windowMs });
      return revoked;
    },
  };
}
