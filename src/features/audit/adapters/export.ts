import { utf8 } from "../../../utf8";
import { AUDIT_FORMAT_VERSION, type AuditRow, GENESIS_MAC, pagesBySeq } from "../chain";
import { readAuditRows, readCheckpoints } from "./postgres-store";
import { chainsToCheck, type StoredAuditDeps } from "./stored-trail";

const PAGE = 500;

/** The first line of an export: how to check the rest (docs/audit.md, "Verifying offline"). */
function header(chains: string[], now: Date) {
  return {
    kind: "audit_export",
    format: AUDIT_FORMAT_VERSION,
    exported_at: now.toISOString(),
    mac: "HMAC-SHA-256(key[key_id], hex_decode(prev_mac) || UTF-8(JCS(record)))",
    canonicalization: "RFC 8785 (JCS) of the event line without kind, prev_mac and mac",
    genesis_mac: GENESIS_MAC,
    keys: "not included; obtain AUDIT_HMAC_KEYS out of band",
    chains,
  };
}

const eventLine = (r: AuditRow) => ({ kind: "event", ...r });

/**
 * NDJSON for auditors, streamed page by page: a header line, then per chain
 * its events (every MAC'd field, key id, prev_mac, mac), its stored
 * checkpoints and its live head, then an `end` line with counts. A download
 * without the `end` line is incomplete. HMAC keys are never part of it.
 */
export function exportAudit(
  deps: Omit<StoredAuditDeps, "keys">,
  requested: readonly string[] | undefined,
  now: Date,
): ReadableStream<Uint8Array> {
  async function* lines(): AsyncGenerator<unknown> {
    // Every head before any row, as in verification: they only move forward.
    const { chains, heads } = await chainsToCheck(deps, requested);
    yield header(chains, now);
    let events = 0;
    let checkpoints = 0;
    for (const chain of chains) {
      const head = heads.get(chain);
      if (!head) throw new Error("a chain's head was not read");
      const rows = (after: number, n: number) => readAuditRows(deps.db, chain, after, n);
      for await (const page of pagesBySeq(rows, PAGE)) {
        for (const row of page) yield eventLine(row);
        events += page.length;
      }
      const cps = (after: number, n: number) => readCheckpoints(deps.db, chain, after, n);
      for await (const page of pagesBySeq(cps, PAGE)) {
        for (const cp of page) {
          const { source: _source, ...line } = cp;
          yield { kind: "checkpoint", ...line };
        }
        checkpoints += page.length;
      }
      yield {
        kind: "head",
        chain,
        seq: head.flushedSeq,
        mac: head.flushedMac,
        pending: head.pending,
        observed_at: now.toISOString(),
      };
    }
    yield { kind: "end", chains: chains.length, events, checkpoints };
  }
  const it = lines();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(utf8(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}
