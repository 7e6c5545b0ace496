/**
 * The audit chain's pure core: the record, its canonical encoding, the MAC and
 * the verifier. The format is specified in docs/audit.md (change both together).
 *
 * Runtime-neutral and without relative imports, so `scripts/audit-verify.ts`
 * runs this very file under Node. HMAC is @noble/hashes' synchronous one: the
 * chain head computes a MAC inside a synchronous SQLite transaction, where an
 * awaited WebCrypto call would let another append interleave.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/** Record format version (`v`); a new canonical encoding gets a new one. */
export const AUDIT_FORMAT_VERSION = 1;

/** `prev_mac` of every chain's first record (seq 1): 32 zero bytes. */
export const GENESIS_MAC = "0".repeat(64);

export type AuditDetailValue = string | number | boolean | null;

/** Everything the MAC covers: every stored column except `prev_mac`, `mac` and the derived timestamp. */
export interface AuditRecord {
  v: number;
  chain: string;
  /** 1, 2, 3, … within the chain, without gaps. */
  seq: number;
  /** Milliseconds since the Unix epoch (UTC) when the event happened. */
  at: number;
  /** Random UUID given when the event was recorded; a retried hand-off is recognized by it. */
  id: string;
  type: string;
  user_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Flat when written; read back as whatever JSON the row holds. */
  details: unknown;
  key_id: string;
}

/** A stored row: the record, the MAC of its predecessor and its own MAC (lowercase hex). */
export interface AuditRow extends AuditRecord {
  prev_mac: string;
  mac: string;
}

/** "This chain had reached `seq` with `mac`": the rows up to there must all exist. */
export interface AuditCheckpoint {
  chain: string;
  seq: number;
  mac: string;
  /** Where the claim comes from, for the failure message: "checkpoint", "head", an export. */
  source?: string;
}

/**
 * A live head's report that Postgres holds, at `seq`, a row the head did not
 * write: its genuine event there waits unflushed. The stored rows may look
 * intact (the foreign row could even be removed by now); the head's word is
 * what shows that an event is missing from them.
 */
export interface AuditDisplacement {
  chain: string;
  seq: number;
}

export interface AuditKey {
  id: string;
  key: Uint8Array;
}

export type AuditFailureReason =
  | "gap"
  | "duplicate"
  | "unknown_key"
  | "prev_mac_mismatch"
  | "reordered"
  | "mac_mismatch"
  | "truncated"
  | "displaced";

export interface AuditFailure {
  ok: false;
  chain: string;
  /** The first sequence number at which the chain is not what it should be. */
  sequence: number;
  reason: AuditFailureReason;
  detail: string;
}

export type AuditVerifyResult = { ok: true; chains: number; events: number } | AuditFailure;

/**
 * RFC 8785 (JCS) for the JSON this format uses: object keys sorted by UTF-16
 * code units, no whitespace, ECMAScript number and string serialization (which
 * is what JSON.stringify does for a finite number and a well-formed string).
 * Anything JSON cannot represent throws rather than being silently dropped.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("non-finite number");
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
    }
    default:
      throw new TypeError(`cannot encode a ${typeof value}`);
  }
}

/** The record's fields and nothing else, so extra properties of a row never reach the MAC. */
function recordFields(r: AuditRecord): AuditRecord {
  return {
    v: r.v,
    chain: r.chain,
    seq: r.seq,
    at: r.at,
    id: r.id,
    type: r.type,
    user_id: r.user_id,
    request_id: r.request_id,
    ip: r.ip,
    user_agent: r.user_agent,
    details: r.details,
    key_id: r.key_id,
  };
}

/** UTF-8 of the record's canonical JSON: the exact bytes the MAC covers after the previous MAC. */
export function encodeRecord(record: AuditRecord): Uint8Array {
  return utf8ToBytes(canonicalJson(recordFields(record)));
}

const HEX_MAC = /^[0-9a-f]{64}$/;

/** HMAC-SHA-256(key, previous MAC as 32 raw bytes ‖ encodeRecord(record)), as lowercase hex. */
export function computeMac(key: Uint8Array, prevMac: string, record: AuditRecord): string {
  if (!HEX_MAC.test(prevMac)) throw new TypeError("prevMac must be 64 lowercase hex digits");
  const h = hmac.create(sha256, key);
  h.update(hexToBytes(prevMac));
  h.update(encodeRecord(record));
  return bytesToHex(h.digest());
}

/** Equal-length string comparison that does not stop at the first difference. */
function sameMac(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Chain ids in the one order every verifier uses: UTF-16 code units, like JCS keys. */
export const byChainId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Verifies one chain incrementally: push its rows in ascending `seq` order,
 * then `finish()`. Memory stays constant however long the chain is.
 *
 * Checks, in this order, for each position: duplicate or missing `seq`, a
 * known key id, the link to the predecessor's MAC, the row's own MAC, and any
 * checkpoint at that `seq`. A broken link is classified once the rest of the
 * chain has been seen: `reordered` if the row's claimed predecessor comes later
 * in the chain (rows were swapped), else `prev_mac_mismatch`.
 */
export class ChainVerifier {
  readonly chain: string;
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  private readonly checkpoints: AuditCheckpoint[];
  private expectedSeq = 1;
  private prevMac = GENESIS_MAC;
  private events = 0;
  private failure: AuditFailure | null = null;
  private brokenLink: { seq: number; claimedPrev: string; detail: string } | null = null;
  private readonly displaced: AuditDisplacement | null;

  constructor(
    chain: string,
    keys: ReadonlyArray<AuditKey>,
    checkpoints: ReadonlyArray<AuditCheckpoint>,
    displaced: AuditDisplacement | null = null,
  ) {
    this.chain = chain;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.checkpoints = checkpoints.filter((c) => c.chain === chain).sort((a, b) => a.seq - b.seq);
    this.displaced = displaced?.chain === chain ? displaced : null;
  }

  /** True once the outcome is known and further rows cannot change it. */
  get done(): boolean {
    return this.failure !== null;
  }

  private fail(sequence: number, reason: AuditFailureReason, detail: string): void {
    this.failure ??= { ok: false, chain: this.chain, sequence, reason, detail };
  }

  push(row: AuditRow): void {
    if (row.chain !== this.chain) throw new Error("a row of another chain was pushed");
    if (this.brokenLink) {
      if (sameMac(row.mac, this.brokenLink.claimedPrev)) {
        this.fail(
          this.brokenLink.seq,
          "reordered",
          `seq ${this.brokenLink.seq} links to the MAC of seq ${row.seq}, which comes after it`,
        );
      }
      return;
    }
    if (this.failure) return;
    const seq = row.seq;
    if (seq < this.expectedSeq) {
      this.fail(seq, "duplicate", `more than one row has seq ${seq}`);
      return;
    }
    if (seq !== this.expectedSeq) {
      this.fail(
        this.expectedSeq,
        "gap",
        `seq ${this.expectedSeq} is missing; the next row is seq ${seq}`,
      );
      return;
    }
    const key = this.keys.get(row.key_id);
    if (!key) {
      this.fail(seq, "unknown_key", `no verification key with id "${row.key_id}"`);
      return;
    }
    if (!sameMac(row.prev_mac, this.prevMac)) {
      this.brokenLink = {
        seq,
        claimedPrev: row.prev_mac,
        detail: `prev_mac of seq ${seq} is not the MAC of ${seq === 1 ? "the genesis" : `seq ${seq - 1}`}`,
      };
      return;
    }
    let mac: string | null;
    try {
      mac = computeMac(key, row.prev_mac, row);
    } catch {
      mac = null; // a field holds something the canonical encoding cannot express
    }
    if (mac === null || !sameMac(mac, row.mac)) {
      this.fail(seq, "mac_mismatch", `the MAC of seq ${seq} does not match its contents`);
      return;
    }
    for (const cp of this.checkpoints) {
      if (cp.seq === seq && !sameMac(cp.mac, row.mac)) {
        this.fail(
          seq,
          "truncated",
          `${cp.source ?? "checkpoint"} at seq ${seq} records another MAC: the chain was cut and rewritten`,
        );
        return;
      }
    }
    this.events++;
    this.prevMac = row.mac;
    this.expectedSeq++;
  }

  /**
   * The chain's outcome; checkpoints beyond the last row mean rows were
   * removed from the tail. A displacement is the first failure unless the rows
   * already break before its seq; at its seq it names the cause, where the
   * rows alone could only show a foreign row's symptom.
   */
  finish(): AuditFailure | { ok: true; events: number; lastSeq: number } {
    const outcome = this.rowsOutcome();
    const d = this.displaced;
    if (d && (outcome.ok || outcome.sequence >= d.seq)) {
      return {
        ok: false,
        chain: this.chain,
        sequence: d.seq,
        reason: "displaced",
        detail: `the live head holds the genuine event at seq ${d.seq} unflushed: Postgres has a row there the head did not write`,
      };
    }
    return outcome;
  }

  private rowsOutcome(): AuditFailure | { ok: true; events: number; lastSeq: number } {
    if (this.brokenLink) {
      this.fail(this.brokenLink.seq, "prev_mac_mismatch", this.brokenLink.detail);
    }
    const lastSeq = this.expectedSeq - 1;
    const beyond = this.checkpoints.filter((c) => c.seq > lastSeq).at(-1);
    if (beyond) {
      this.fail(
        lastSeq + 1,
        "truncated",
        `${beyond.source ?? "checkpoint"} says the chain reached seq ${beyond.seq}, but it ends at seq ${lastSeq}`,
      );
    }
    return this.failure ?? { ok: true, events: this.events, lastSeq };
  }
}

/**
 * Verifies every chain found in `rows` or `checkpoints` (in any order) and
 * reports the first failure: chains in `byChainId` order, rows by `seq`.
 */
export function verifyChain(
  rows: ReadonlyArray<AuditRow>,
  checkpoints: ReadonlyArray<AuditCheckpoint>,
  keys: ReadonlyArray<AuditKey>,
): AuditVerifyResult {
  const byChain = new Map<string, AuditRow[]>();
  for (const c of checkpoints) if (!byChain.has(c.chain)) byChain.set(c.chain, []);
  for (const r of rows) {
    const list = byChain.get(r.chain);
    if (list) list.push(r);
    else byChain.set(r.chain, [r]);
  }
  let events = 0;
  for (const chain of [...byChain.keys()].sort(byChainId)) {
    const verifier = new ChainVerifier(chain, keys, checkpoints);
    const list = (byChain.get(chain) ?? []).slice().sort((a, b) => a.seq - b.seq);
    for (const row of list) verifier.push(row);
    const outcome = verifier.finish();
    if (!outcome.ok) return outcome;
    events += outcome.events;
  }
  return { ok: true, chains: byChain.size, events };
}

/** Where a streaming verification reads from: Postgres, an export file, … */
export interface AuditSource {
  /** Every chain to verify. */
  chainIds(): Promise<string[]>;
  /**
   * What the chain must reach. Called before its rows are read, so a head that
   * advances meanwhile cannot look like a truncation.
   */
  checkpoints(chain: string): Promise<AuditCheckpoint[]>;
  /** Up to `limit` rows with seq > `afterSeq`, ascending by seq. */
  rows(chain: string, afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** A live head's displacement report for the chain, where a source can ask one. */
  displaced?(chain: string): Promise<AuditDisplacement | null>;
}

/**
 * Every item of a chain, read `size` at a time in `seq` order: `read(after,
 * size)` returns the items after `after`; a short page is the last one.
 */
export async function* pagesBySeq<T extends { seq: number }>(
  read: (after: number, size: number) => Promise<T[]>,
  size: number,
): AsyncGenerator<T[]> {
  for (let after = 0; ; ) {
    const page = await read(after, size);
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (!last || page.length < size) return;
    after = last.seq;
  }
}

/** `verifyChain` over a source, one page at a time (constant memory per chain). */
export async function verifySource(
  source: AuditSource,
  keys: ReadonlyArray<AuditKey>,
  pageSize = 1000,
): Promise<AuditVerifyResult> {
  const chains = (await source.chainIds()).slice().sort(byChainId);
  let events = 0;
  for (const chain of chains) {
    const checkpoints = await source.checkpoints(chain);
    const displaced = (await source.displaced?.(chain)) ?? null;
    const verifier = new ChainVerifier(chain, keys, checkpoints, displaced);
    for await (const page of pagesBySeq((after, n) => source.rows(chain, after, n), pageSize)) {
      for (const row of page) verifier.push(row);
      if (verifier.done) break;
    }
    const outcome = verifier.finish();
    if (!outcome.ok) return outcome;
    events += outcome.events;
  }
  return { ok: true, chains: chains.length, events };
}
