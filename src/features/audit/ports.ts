import type { AuditRow, AuditVerifyResult } from "./chain";

/**
 * The audit feature's own port: the stored trail as operators reach it
 * (GET /v1/admin/audit/*). The trail's writing side is the core's AuditLog
 * port (src/ports.ts), which this feature implements.
 */
export interface AuditTrail {
  verify(chains: readonly string[] | undefined): Promise<AuditVerifyResult>;
  /** NDJSON, streamed (adapters/export.ts). */
  export(chains: readonly string[] | undefined, now: Date): ReadableStream<Uint8Array>;
  unknownChains(chains: readonly string[]): Promise<string[]>;
  /** A user's newest events, newest first. */
  recentFor(userId: string, limit: number): Promise<AuditRow[]>;
}
