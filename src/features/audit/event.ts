import type { AuditEvent, AuditEventType } from "../../ports";
import type { AuditDetailValue, AuditRecord } from "./chain";

/** What a request hands to a chain head: the event plus when, where and from whom. */
export interface AuditEventInput {
  /** Random UUID; a head that sees it twice (a retried hand-off) records it once. */
  id: string;
  type: AuditEventType;
  userId: string | null;
  details: AuditEvent["details"];
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Milliseconds since the epoch. */
  at: number;
}

/** The record's fields that come from the event; the head adds v, chain, seq and key_id. */
export type EventFields = Pick<
  AuditRecord,
  "at" | "id" | "type" | "user_id" | "request_id" | "ip" | "user_agent" | "details"
>;

/** Events per hand-off to a head: a whole user import (10,000 records) fits in one per chain. */
export const MAX_BATCH_EVENTS = 10_000;

export const LIMITS = {
  userAgent: 512,
  ip: 64,
  id: 128,
  detailKeys: 32,
  detailKey: 64,
  detailString: 512,
} as const;

const TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Makes a string storable and encodable exactly: Postgres `text` and `jsonb`
 * reject NUL, and a lone surrogate has no UTF-8 form (it would be replaced in
 * transit and the stored value would no longer match the MAC). Cut to `max`
 * UTF-16 units first, so a cut surrogate pair is repaired too.
 */
function clean(value: string, max: number): string {
  return value.slice(0, max).toWellFormed().replaceAll("\u0000", "\uFFFD");
}

const cleanOrNull = (value: string | null | undefined, max: number): string | null =>
  typeof value === "string" ? clean(value, max) : null;

function cleanDetails(details: unknown): Record<string, AuditDetailValue> {
  const out: Record<string, AuditDetailValue> = {};
  if (details === null || typeof details !== "object") return out;
  for (const [k, v] of Object.entries(details).slice(0, LIMITS.detailKeys)) {
    const key = clean(k, LIMITS.detailKey);
    if (v === null || typeof v === "boolean") out[key] = v;
    else if (typeof v === "number") out[key] = Number.isFinite(v) ? v : null;
    else out[key] = clean(String(v), LIMITS.detailString);
  }
  return out;
}

/**
 * The event as it will be stored and MAC'd: bounded, storable strings only.
 * Throws on an input that cannot be an event at all (caller bug), never on
 * odd content, which is cleaned instead: an audit trail keeps what it can.
 */
export function toEventFields(input: AuditEventInput): EventFields {
  if (!TYPE.test(input.type)) throw new TypeError("audit event type is malformed");
  if (!Number.isSafeInteger(input.at) || input.at < 0) {
    throw new TypeError("audit event time is malformed");
  }
  if (typeof input.id !== "string" || input.id.length === 0) {
    throw new TypeError("audit event id is missing");
  }
  return {
    at: input.at,
    id: clean(input.id, LIMITS.id),
    type: input.type,
    user_id: cleanOrNull(input.userId, LIMITS.id),
    request_id: cleanOrNull(input.requestId, LIMITS.id),
    ip: cleanOrNull(input.ip, LIMITS.ip),
    user_agent: cleanOrNull(input.userAgent, LIMITS.userAgent),
    details: cleanDetails(input.details),
  };
}
