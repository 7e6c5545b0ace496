import { DurableObject } from "cloudflare:workers";
import { type Config, ConfigError, configFromEnv } from "../../../config";
import { errorName, log } from "../../../log";
import {
  AUDIT_FORMAT_VERSION,
  type AuditKey,
  type AuditRow,
  computeMac,
  GENESIS_MAC,
} from "../chain";
import { type AuditEventInput, type EventFields, MAX_BATCH_EVENTS, toEventFields } from "../event";
import { createAuditHeadStore } from "../feature";
import { CHAIN_ID } from "../shard";
import { createHeadSchema, hasHeadSchema } from "./audit-head-schema";

/** Coalesces appends into fewer INSERTs and checkpoints; events reach Postgres this much later. */
const FLUSH_DELAY_MS = 500;
/**
 * How long a group waits for more calls before it is written: 0 is one turn
 * of the event loop, enough for the calls that arrived meanwhile (2.8 per
 * group on the refresh bench, counted once by hand: docs/audit.md) without delaying a lone one. Waiting for the
 * previous group's commit as well (`storage.sync()`) grouped no better and
 * cost CPU (bench:ab refresh without it: 1.19x req/s, 0.90x workerd CPU).
 */
const GROUP_WAIT_MS = 0;
/** Rows per INSERT (14 parameters each, far below Postgres' 65535). */
const BATCH_ROWS = 200;
/** Batches per alarm run, so one alarm never runs for long; the rest gets the next alarm. */
const BATCHES_PER_FLUSH = 10;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** Event ids remembered for de-duplicating retried hand-offs. */
const RECENT_IDS = 4096;

/** The batch statement could not certify its rows (a concurrent writer); retried like an outage. */
class BatchUnconfirmed extends Error {
  override name = "BatchUnconfirmed";
}

interface HeadRow extends Record<string, SqlStorageValue> {
  chain: string;
  seq: number;
  mac: string;
  flushed_seq: number;
  flushed_mac: string;
  failures: number;
}

/** The chain's last record: what the next one is chained to. */
interface Tip {
  chain: string;
  seq: number;
  mac: string;
}

/** An append waiting for its group's commit. */
interface WaitingCall {
  chain: string;
  fields: EventFields[];
  signing: AuditKey;
  resolve(results: AppendResult[]): void;
  reject(err: unknown): void;
}

export interface AppendResult {
  seq: number;
  /** The event id had been appended before (a retried hand-off): nothing new was written. */
  duplicate: boolean;
}

/** A head's view of its chain. */
export interface HeadState {
  chain: string;
  /** Last sequence number assigned and its MAC (0 and the genesis MAC before the first event). */
  seq: number;
  mac: string;
  /** Last sequence number known written to Postgres, and its MAC. */
  flushedSeq: number;
  flushedMac: string;
  /** Events buffered here, not yet in Postgres. */
  pending: number;
  /** Consecutive flushes that did not complete (Postgres unreachable, or a displaced row). */
  failures: number;
  /**
   * Postgres holds a row this head did not write at this seq (a planted row):
   * the genuine event there and every later one wait in `pending`, and the
   * flush stays halted, retrying with backoff, until that row is removed.
   * Null when the flush is not blocked.
   */
  displacedSeq: number | null;
}

/** A head that never had an event (no tables, nothing stored). */
const emptyState = (chain: string): HeadState => ({
  chain,
  seq: 0,
  mac: GENESIS_MAC,
  flushedSeq: 0,
  flushedMac: GENESIS_MAC,
  pending: 0,
  failures: 0,
  displacedSeq: null,
});

/**
 * The head of one audit chain (one shard). It alone assigns the chain's next
 * sequence number and MAC, so concurrent appends are serialized here: reading
 * the head, computing the MAC (synchronous HMAC) and writing the buffered row
 * happen in one synchronous SQLite transaction with no await in between.
 *
 * Appended rows wait in the `pending` table (durable, part of the object's
 * storage) until an alarm writes them to Postgres in order; they leave
 * `pending` only after the INSERT committed. When Postgres is unreachable the
 * alarm retries with backoff, so nothing is lost and nothing reaches Postgres
 * out of order. A foreign row at one of the chain's next sequence numbers
 * halts the flush instead of displacing the genuine event (see `displacedSeq`).
 */
export class AuditHead extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private flushing: Promise<void> | null = null;
  /** False until the first append: a head that was only asked writes nothing. */
  private hasSchema = false;
  /** Calls waiting for the next group commit (see appendBatch); never written anywhere else. */
  private waiting: WaitingCall[] = [];
  private committing: Promise<void> | null = null;
  /**
   * The chain's last record as this instance wrote or read it; undefined
   * until read. Only appends move it, and only this object appends.
   */
  private tip: Tip | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.hasSchema = hasHeadSchema(this.sql);
      if (this.hasSchema) createHeadSchema(this.sql);
    });
  }

  private config(): Config {
    const config = configFromEnv(this.env);
    if (config instanceof ConfigError) throw config;
    return config;
  }

  private head(): HeadRow | null {
    return this.sql.exec<HeadRow>("SELECT * FROM head WHERE id = 1").toArray()[0] ?? null;
  }

  /** Appends one event to this chain and buffers it durably; Postgres is written later. */
  async append(input: { chain: string; event: AuditEventInput }): Promise<AppendResult> {
    const [result] = await this.appendBatch({ chain: input.chain, events: [input.event] });
    if (!result) throw new Error("an append returned no result");
    return result;
  }

  /**
   * Appends many events to this chain, in the given order, atomically: all of
   * them are durable here when it returns, or none. De-duplicated by event id
   * like `append`, so a retried hand-off of the whole batch records each event
   * once. One call per chain is what lets a request record thousands of events
   * (a user import) without a subrequest per event.
   *
   * Group commit: calls wait one turn of the event loop (GROUP_WAIT_MS), and
   * those that arrived by then are written together, each in its own nested
   * transaction (all or none of a call's events), under one storage commit.
   * A lone call is written at once; on a hot chain the commits per event
   * fall. A call still returns only after its events are durable: the
   * runtime's output gate holds every reply until the commit that carries it
   * has completed.
   */
  async appendBatch(input: { chain: string; events: AuditEventInput[] }): Promise<AppendResult[]> {
    if (!CHAIN_ID.test(input.chain)) throw new TypeError("malformed chain id");
    if (input.events.length > MAX_BATCH_EVENTS) throw new RangeError("too many events in a batch");
    const signing = this.config().audit.keys[0];
    if (!signing) throw new Error("no audit signing key");
    const fields = input.events.map(toEventFields);
    const done = new Promise<AppendResult[]>((resolve, reject) => {
      this.waiting.push({ chain: input.chain, fields, signing, resolve, reject });
    });
    this.committing ??= this.commitWaiting().finally(() => {
      this.committing = null;
    });
    return done;
  }

  /** Writes every waiting call, group after group, until none is left. */
  private async commitWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      // Let calls already on their way in join this group before it is written.
      await new Promise((resolve) => setTimeout(resolve, GROUP_WAIT_MS));
      const group = this.waiting.splice(0);
      if (!this.hasSchema) {
        createHeadSchema(this.sql);
        this.hasSchema = true;
      }
      let written = 0;
      for (const call of group) {
        try {
          const { results, tip } = this.ctx.storage.transactionSync(() =>
            this.appendCall(call, this.currentTip()),
          );
          // Only once the call's nested transaction stands: a failed one left the table as it was.
          this.tip = tip;
          written += call.fields.length;
          call.resolve(results);
        } catch (err) {
          call.reject(err);
        }
      }
      // Keep every id of this group recognizable (a retry of a whole batch),
      // and the RECENT_IDS before it.
      if (written > 0) {
        this.sql.exec(
          "DELETE FROM recent WHERE seq <= ?",
          (this.tip?.seq ?? 0) - Math.max(RECENT_IDS, written),
        );
      }
      try {
        // Off the callers' path: they are already in waitUntil, and the flush
        // itself runs in the alarm. An alarm already set (maybe a backoff) stays.
        if ((await this.ctx.storage.getAlarm()) === null) {
          await this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
        }
      } catch (err) {
        // The rows stand; the next append or a later alarm run schedules the flush.
        log("error", "audit head could not schedule its flush", { error: errorName(err) });
      }
    }
  }

  /** The chain's last record (chain, seq, mac), or null before the first; read once per instance. */
  private currentTip(): Tip | null {
    if (this.tip === undefined) {
      const row = this.head();
      this.tip = row ? { chain: row.chain, seq: row.seq, mac: row.mac } : null;
    }
    return this.tip;
  }

  /**
   * One call's events after `start`: each is MACed over the previous record's
   * MAC and buffered, and the head row moves once. Only inside transactionSync,
   * with no await. An event id seen before is not written again.
   */
  private appendCall(
    call: WaitingCall,
    start: Tip | null,
  ): { results: AppendResult[]; tip: Tip | null } {
    if (start && start.chain !== call.chain) throw new Error("this head serves another chain");
    let tip = start;
    const results: AppendResult[] = [];
    for (const fields of call.fields) {
      const seq = (tip?.seq ?? 0) + 1;
      const fresh =
        this.sql.exec(
          "INSERT INTO recent (event_id, seq) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING",
          fields.id,
          seq,
        ).rowsWritten > 0;
      if (!fresh) {
        const seen = this.sql
          .exec<{ seq: number }>("SELECT seq FROM recent WHERE event_id = ?", fields.id)
          .one();
        results.push({ seq: seen.seq, duplicate: true });
        continue;
      }
      const prevMac = tip?.mac ?? GENESIS_MAC;
      const record = {
        v: AUDIT_FORMAT_VERSION,
        chain: call.chain,
        seq,
        ...fields,
        key_id: call.signing.id,
      };
      const mac = computeMac(call.signing.key, prevMac, record);
      const row: AuditRow = { ...record, prev_mac: prevMac, mac };
      this.sql.exec("INSERT INTO pending (seq, row) VALUES (?, ?)", seq, JSON.stringify(row));
      tip = { chain: call.chain, seq, mac };
      results.push({ seq, duplicate: false });
    }
    if (tip && tip !== start) {
      if (start) {
        this.sql.exec("UPDATE head SET seq = ?, mac = ? WHERE id = 1", tip.seq, tip.mac);
      } else {
        this.sql.exec(
          "INSERT INTO head (id, chain, seq, mac, flushed_seq, flushed_mac) VALUES (1, ?, ?, ?, 0, ?)",
          tip.chain,
          tip.seq,
          tip.mac,
          GENESIS_MAC,
        );
      }
    }
    return { results, tip };
  }

  /** The chain's head, what Postgres is known to hold, and the buffer. */
  async state(chain: string): Promise<HeadState> {
    if (!this.hasSchema) return emptyState(chain);
    const head = this.head();
    const pending = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pending").one().n;
    if (head && head.chain !== chain) throw new Error("this head serves another chain");
    return {
      chain,
      seq: head?.seq ?? 0,
      mac: head?.mac ?? GENESIS_MAC,
      flushedSeq: head?.flushed_seq ?? 0,
      flushedMac: head?.flushed_mac ?? GENESIS_MAC,
      pending,
      failures: head?.failures ?? 0,
      displacedSeq: this.displacedSeq(),
    };
  }

  private displacedSeq(): number | null {
    return (
      this.sql.exec<{ seq: number }>("SELECT seq FROM displaced WHERE id = 1").toArray()[0]?.seq ??
      null
    );
  }

  /** Writes buffered rows to Postgres; on failure schedules its own retry. Never throws. */
  override async alarm(): Promise<void> {
    // Two overlapping runs (an alarm and a test's runDurableObjectAlarm) share one flush.
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private pendingRows(limit: number): AuditRow[] {
    return this.sql
      .exec<{ row: string }>("SELECT row FROM pending ORDER BY seq LIMIT ?", limit)
      .toArray()
      .map((r) => JSON.parse(r.row) as AuditRow);
  }

  private async flush(): Promise<void> {
    if (!this.hasSchema || this.pendingRows(1).length === 0) return;
    try {
      const store = createAuditHeadStore(this.config());
      for (let i = 0; i < BATCHES_PER_FLUSH; i++) {
        const rows = this.pendingRows(BATCH_ROWS);
        const last = rows.at(-1);
        if (!last) return;
        const outcome = await store.writeBatch(rows);
        if (outcome.writtenThrough !== null) this.flushedThrough(rows, outcome.writtenThrough);
        if (outcome.displacedSeq !== null) {
          await this.halt(last.chain, outcome.displacedSeq);
          return;
        }
        // A concurrent writer took one of these seqs after the statement's
        // snapshot: nothing is certain; the retry compares what is there now.
        if (outcome.writtenThrough !== last.seq) throw new BatchUnconfirmed();
        if (outcome.inserted < rows.length) {
          log("info", "audit rows were already in Postgres (a retried flush)", {
            chain: last.chain,
            rows: rows.length - outcome.inserted,
          });
        }
        this.sql.exec("DELETE FROM displaced");
      }
      // More than one run's worth was pending: continue right away.
      await this.ctx.storage.setAlarm(Date.now());
    } catch (err) {
      const delay = await this.retryLater();
      log("warn", "audit flush failed; will retry", {
        failures: this.head()?.failures ?? 1,
        retryInMs: delay,
        error: errorName(err),
      });
    }
  }

  /** The rows up to `seq` are committed, with their checkpoint: only now may they leave the buffer. */
  private flushedThrough(rows: AuditRow[], seq: number): void {
    const row = rows.find((r) => r.seq === seq);
    if (!row) throw new Error("writtenThrough names a row outside the batch");
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM pending WHERE seq <= ?", seq);
      this.sql.exec(
        "UPDATE head SET flushed_seq = ?, flushed_mac = ?, failures = 0 WHERE id = 1",
        seq,
        row.mac,
      );
    });
  }

  /**
   * A row this head did not write holds `seq` in Postgres. Keeping the
   * genuine row (and all after it) pending is the only way not to lose it;
   * the flush retries with backoff so it resumes by itself once an operator
   * has removed the foreign row (after forensics). Logged as an error with the
   * chain and seq only: row contents belong in the trail, not in logs.
   */
  private async halt(chain: string, seq: number): Promise<void> {
    this.sql.exec("INSERT OR REPLACE INTO displaced (id, seq) VALUES (1, ?)", seq);
    const delay = await this.retryLater();
    log("error", "audit row displaced: Postgres holds a different row at this seq; flush halted", {
      chain,
      seq,
      failures: this.head()?.failures ?? 1,
      retryInMs: delay,
    });
  }

  /** Exponential backoff with jitter, so heads that failed together do not retry together. */
  private async retryLater(): Promise<number> {
    const failures = this.recordFailure();
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(failures - 1, 16));
    await this.ctx.storage.setAlarm(Date.now() + delay * (1 + Math.random() * 0.2));
    return delay;
  }

  private recordFailure(): number {
    this.sql.exec("UPDATE head SET failures = failures + 1 WHERE id = 1");
    return this.head()?.failures ?? 1;
  }
}
