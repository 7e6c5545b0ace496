import { z } from "zod";
import type { Clock } from "../../ports";
import {
  chunks,
  conflictExistingAccount,
  IMPORT_CHUNK,
  type ImportReport,
  type ImportResult,
  readRecord,
  rejected,
  report,
} from "./import-report";
import type { ImportedSession, LegacyStore } from "./ports";
import type { ImportItem } from "./records";

export interface ImportSessionsDeps {
  store: Pick<LegacyStore, "insertSessions">;
  clock: Clock;
}

/** SHA-256 of the session key, hex (Python: `hashlib.sha256(key.encode()).hexdigest()`). */
const KeyHash = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/)
  .transform((s) => s.toLowerCase());
/** ISO 8601 with an explicit offset, as Django's `expire_date.isoformat()` writes it. */
const Expiry = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/**
 * Imports the monolith's sessions so that each can be traded once for a token
 * pair (./exchange.ts). Records: `{session_key_sha256, email, expires_at}`.
 * Only the hash of a session key ever reaches us. Idempotent by key hash;
 * already expired sessions and unknown users are rejected per record.
 */
export async function importLegacySessions(
  deps: ImportSessionsDeps,
  items: readonly ImportItem[],
): Promise<ImportReport> {
  const now = deps.clock.now();
  const results: ImportResult[] = [];
  const pending: Array<{ result: ImportResult; session: ImportedSession }> = [];
  const seen = new Set<string>();

  for (const item of items) {
    const read = readRecord(item);
    if (!read.ok) {
      results.push(read.result);
      continue;
    }
    const { fields: record, reported: email } = read;
    const keyHash = KeyHash.safeParse(record.session_key_sha256);
    if (!keyHash.success) {
      results.push(
        rejected(item.line, email, "invalid_key_hash", "session_key_sha256 must be 64 hex digits"),
      );
      continue;
    }
    const expiry = Expiry.safeParse(record.expires_at);
    if (!expiry.success) {
      results.push(
        rejected(item.line, email, "invalid_expiry", "expires_at must be ISO 8601 with an offset"),
      );
      continue;
    }
    if (expiry.data.getTime() <= now) {
      results.push(rejected(item.line, email, "expired", "the session has already expired"));
      continue;
    }
    if (seen.has(keyHash.data)) {
      results.push(
        rejected(item.line, email, "duplicate_session", "an earlier record has this session"),
      );
      continue;
    }
    seen.add(keyHash.data);
    const result: ImportResult = { line: item.line, email: read.email, status: "exists" };
    results.push(result);
    pending.push({
      result,
      session: { keyHash: keyHash.data, email: read.email, expiresAt: expiry.data },
    });
  }

  for (const chunk of chunks(pending, IMPORT_CHUNK)) {
    const outcomes = await deps.store.insertSessions(chunk.map((p) => p.session));
    for (const { result, session } of chunk) {
      const outcome = outcomes.get(session.keyHash) ?? "unknown_user";
      if (outcome === "unknown_user") {
        Object.assign(result, rejected(result.line, result.email, "unknown_user", "no such user"));
      } else if (outcome === "conflict") {
        conflictExistingAccount(result);
      } else {
        result.status = outcome;
        // audit: legacy_session_imported { email's user, on "created" } (no event type yet;
        // the request itself is recorded as admin_key_used)
      }
    }
  }
  return report(results);
}
