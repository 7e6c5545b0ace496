import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * The audit trail's tables (docs/audit.md). Kept apart from schema.ts: no
 * foreign keys to users, since a deleted account must not take its audit
 * records with it (a cascade would be an untraceable deletion).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    chainId: text("chain_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    /** Format version of the canonical encoding the MAC covers. */
    v: smallint("v").notNull(),
    /** The MAC'd timestamp: ms since the Unix epoch. */
    atMs: bigint("at_ms", { mode: "number" }).notNull(),
    /** The same instant for people and range queries; derived, so it cannot disagree. */
    occurredAt: timestamp("occurred_at", { withTimezone: true }).generatedAlwaysAs(
      sql`to_timestamp("at_ms" / 1000.0)`,
    ),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    userId: text("user_id"),
    requestId: text("request_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").notNull(),
    keyId: text("key_id").notNull(),
    prevMac: text("prev_mac").notNull(),
    mac: text("mac").notNull(),
  },
  (t) => [
    primaryKey({ name: "audit_events_pkey", columns: [t.chainId, t.seq] }),
    index("audit_events_user_idx").on(t.userId, t.atMs),
  ],
);

/**
 * What each chain head had durably written when it flushed: the rows up to
 * (chain_id, seq) must exist and row `seq` must carry `mac`. Separate from
 * audit_events so deleting the newest events does not delete the evidence.
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    chainId: text("chain_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    mac: text("mac").notNull(),
    keyId: text("key_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "audit_checkpoints_pkey", columns: [t.chainId, t.seq] })],
);
