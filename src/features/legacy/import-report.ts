import { z } from "zod";
import type { ImportItem } from "./records";
/** The per-record answer of an import, in input order. Never carries a hash or key. */
export interface ImportResult {
  line: number;
  /** The record's email as given (trimmed), or null when it had none. */
  email: string | null;
  /**
   * `conflict`: the email belongs to an account registered here, which an
   * import never touches or binds sessions to (docs/migration.md).
   */
  status: "created" | "exists" | "conflict" | "rejected";
  /** A stable code when rejected. */
  reason?: string;
  /** A human explanation of `reason`; parameters only, never secrets. */
  detail?: string;
}

export interface ImportReport {
  summary: { created: number; exists: number; conflict: number; rejected: number };
  results: ImportResult[];
}

export function report(results: ImportResult[]): ImportReport {
  const summary = { created: 0, exists: 0, conflict: 0, rejected: 0 };
  for (const r of results) summary[r.status] += 1;
  return { summary, results };
}

export const rejected = (
  line: number,
  email: string | null,
  reason: string,
  detail?: string,
): ImportResult => ({
  line,
  email,
  status: "rejected",
  reason,
  ...(detail === undefined ? {} : { detail }),
});

/** The email as the operator wrote it, for the report (emails are not secrets). */
function reportedEmail(record: unknown): string | null {
  if (typeof record !== "object" || record === null) return null;
  const email = (record as Record<string, unknown>).email;
  return typeof email === "string" ? email.trim().slice(0, 254) : null;
}

/** The same email rule as registration (src/routes/accounts.ts): trimmed, at most 254, an email. */
const Email = z.string().trim().max(254).pipe(z.email());

/**
 * The checks every import line shares: valid JSON, a JSON object, a valid
 * email. Either the record's fields with its parsed email, or the rejection.
 */
export function readRecord(
  item: ImportItem,
):
  | { ok: true; fields: Record<string, unknown>; email: string; reported: string | null }
  | { ok: false; result: ImportResult } {
  if ("invalidJson" in item) {
    return {
      ok: false,
      result: rejected(item.line, null, "invalid_json", "the line is not valid JSON"),
    };
  }
  const value = item.value;
  const reported = reportedEmail(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      result: rejected(item.line, null, "invalid_record", "a record must be a JSON object"),
    };
  }
  const fields = value as Record<string, unknown>;
  const email = Email.safeParse(fields.email);
  if (!email.success) {
    return {
      ok: false,
      result: rejected(item.line, reported, "invalid_email", "email is missing or invalid"),
    };
  }
  return { ok: true, fields, email: email.data, reported };
}

/** Rows per statement: bounded parameter size and statement time. */
export const IMPORT_CHUNK = 1000;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An account registered here has this email: the operator decides (docs/migration.md). */
export const conflictExistingAccount = (result: ImportResult): ImportResult =>
  Object.assign(result, {
    status: "conflict" as const,
    reason: "conflict_existing_account",
    detail: "an account not created by an import has this email; nothing was imported for it",
  });
