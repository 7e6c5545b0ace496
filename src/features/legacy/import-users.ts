import { z } from "zod";
import type { AuditEvent, AuditLog } from "../../ports";
import { parseLegacyHash } from "./hash-format";
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
import type { HashLimits } from "./limits";
import type { ImportedUser, LegacyStore } from "./ports";
import type { ImportItem } from "./records";

export interface ImportUsersDeps {
  store: Pick<LegacyStore, "insertUsers">;
  limits: HashLimits;
  /** Random v4 ids, injectable for tests. */
  newId?: () => string;
  /** Records `user_imported` per created user (the scheme only, never the hash). */
  audit?: AuditLog;
}

const Salt = z.string().nullish();
const Verified = z.boolean().optional();

/**
 * Imports users with their legacy hashes. Idempotent by email: an existing
 * account (compared case-insensitively) is reported `exists` and never
 * changed, so re-running an import, or importing after a user has already
 * changed their password here, cannot overwrite anything. No hashing happens
 * here: hashes are only parsed and bounded, and verified at the user's next
 * login. Neither hashes nor salts appear in the report or in any log line.
 */
export async function importUsers(
  deps: ImportUsersDeps,
  items: readonly ImportItem[],
): Promise<ImportReport> {
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const results: ImportResult[] = [];
  const pending: Array<{ result: ImportResult; user: ImportedUser; scheme: string }> = [];
  const seen = new Set<string>();

  for (const item of items) {
    const read = readRecord(item);
    if (!read.ok) {
      results.push(read.result);
      continue;
    }
    const { fields, reported: email } = read;
    if (typeof fields.password_hash !== "string") {
      results.push(
        rejected(item.line, email, "missing_password_hash", "password_hash is required"),
      );
      continue;
    }
    const salt = Salt.safeParse(fields.password_salt);
    if (!salt.success) {
      results.push(rejected(item.line, email, "invalid_salt", "password_salt must be a string"));
      continue;
    }
    const verified = Verified.safeParse(fields.email_verified);
    if (!verified.success) {
      results.push(
        rejected(item.line, email, "invalid_email_verified", "email_verified must be a boolean"),
      );
      continue;
    }
    const hash = parseLegacyHash(fields.password_hash, deps.limits, salt.data ?? null);
    if (!hash.ok) {
      results.push(rejected(item.line, email, hash.reason, hash.detail));
      continue;
    }
    const key = read.email.toLowerCase();
    if (seen.has(key)) {
      results.push(
        rejected(item.line, email, "duplicate_email", "an earlier record has this email"),
      );
      continue;
    }
    seen.add(key);
    const user: ImportedUser = {
      id: newId(),
      email: read.email,
      passwordHash: hash.stored,
      legacySalt: hash.separateSalt,
      emailVerified: verified.data ?? false,
    };
    const result: ImportResult = { line: item.line, email: read.email, status: "exists" };
    results.push(result);
    pending.push({ result, user, scheme: hash.hash.scheme });
  }

  const imported: AuditEvent[] = [];
  for (const chunk of chunks(pending, IMPORT_CHUNK)) {
    const outcomes = await deps.store.insertUsers(chunk.map((p) => p.user));
    for (const { result, user, scheme } of chunk) {
      const outcome = outcomes.get(user.id) ?? "exists";
      if (outcome === "conflict") conflictExistingAccount(result);
      if (outcome !== "created") continue;
      result.status = "created";
      imported.push({
        type: "user_imported",
        userId: user.id,
        details: { scheme, ...(user.emailVerified ? { email_verified: true } : {}) },
      });
    }
  }
  // One hand-off per chain for the whole import (up to 10,000 events).
  if (imported.length > 0) deps.audit?.recordMany(imported);
  return report(results);
}
