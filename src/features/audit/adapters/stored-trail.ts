import type { Db } from "../../../adapters/postgres/client";
import {
  type AuditCheckpoint,
  type AuditDisplacement,
  type AuditKey,
  type AuditSource,
  type AuditVerifyResult,
  byChainId,
  verifySource,
} from "../chain";
import { MAX_SHARDS, shardChains } from "../shard";
import type { AuditHead, HeadState } from "./audit-head";
import { latestCheckpoint, readAuditRows, storedChainIds } from "./postgres-store";

export interface StoredAuditDeps {
  /** Reads audit_events and audit_checkpoints. */
  db: Db;
  heads: DurableObjectNamespace<AuditHead>;
  keys: ReadonlyArray<AuditKey>;
}

/** A live head's state; asking creates nothing durable for a chain that never had events. */
export function headState(heads: StoredAuditDeps["heads"], chain: string): Promise<HeadState> {
  return heads.get(heads.idFromName(chain)).state(chain);
}

/** Head reads in flight at once: each is a subrequest, and they are cheap. */
const HEAD_READS_IN_FLIGHT = 16;

/** The live heads of `chains`, a bounded number at a time. */
export async function readHeads(
  heads: StoredAuditDeps["heads"],
  chains: readonly string[],
): Promise<Map<string, HeadState>> {
  const out = new Map<string, HeadState>();
  for (let i = 0; i < chains.length; i += HEAD_READS_IN_FLIGHT) {
    const slice = chains.slice(i, i + HEAD_READS_IN_FLIGHT);
    const states = await Promise.all(slice.map((chain) => headState(heads, chain)));
    for (const state of states) out.set(state.chain, state);
  }
  return out;
}

/** What the head knows Postgres holds, as a checkpoint (none before its first flush). */
function headCheckpoint(state: HeadState): AuditCheckpoint | null {
  return state.flushedSeq > 0
    ? { chain: state.chain, seq: state.flushedSeq, mac: state.flushedMac, source: "live head" }
    : null;
}

/** The chains to verify or export, each with its live head, read before any of its rows. */
export interface ChainsToCheck {
  chains: string[];
  heads: Map<string, HeadState>;
}

/**
 * The chains to look at: the requested ones, or every chain that exists
 * anywhere: found in Postgres, or known to a head. Heads are asked for every
 * possible shard, `shard-0` … `shard-255` (AUDIT_SHARDS allows no more), not
 * only the configured ones: after AUDIT_SHARDS is lowered, a retired chain
 * whose rows and checkpoints were all deleted is still held to its head.
 * Asking a head that never had an event stores nothing (audit-head-schema.ts).
 */
export async function chainsToCheck(
  deps: Pick<StoredAuditDeps, "db" | "heads">,
  requested: readonly string[] | undefined,
): Promise<ChainsToCheck> {
  if (requested?.length) {
    const chains = [...new Set(requested)].sort(byChainId);
    return { chains, heads: await readHeads(deps.heads, chains) };
  }
  const stored = await storedChainIds(deps.db);
  const candidates = [...new Set([...stored, ...shardChains(MAX_SHARDS)])].sort(byChainId);
  const heads = await readHeads(deps.heads, candidates);
  const known = new Set(stored);
  const chains = candidates.filter((c) => known.has(c) || (heads.get(c)?.seq ?? 0) > 0);
  return { chains, heads };
}

/**
 * The requested chains that exist nowhere: no row, no checkpoint, no head
 * that has had an event. Asking for one is a mistake (a typo, another
 * deployment's prefix) to be told, not an intact chain to report.
 */
export async function unknownChains(
  deps: Pick<StoredAuditDeps, "db" | "heads">,
  requested: readonly string[],
): Promise<string[]> {
  const stored = new Set(await storedChainIds(deps.db));
  const heads = await readHeads(
    deps.heads,
    requested.filter((c) => !stored.has(c)),
  );
  return [...new Set(requested)].filter((c) => !stored.has(c) && (heads.get(c)?.seq ?? 0) === 0);
}

/**
 * Verifies the stored chains against their newest stored checkpoint and their
 * live head, one page at a time. A head that reports a displaced row fails
 * its chain (`displaced`) even where the stored rows look intact.
 */
export async function verifyStoredAudit(
  deps: StoredAuditDeps,
  requested?: readonly string[],
): Promise<AuditVerifyResult> {
  // Every head before any row: a head only moves forward, so reading it first
  // cannot make a concurrent flush look like a truncation.
  const { chains, heads } = await chainsToCheck(deps, requested);
  const headOf = (chain: string): HeadState => {
    const state = heads.get(chain);
    if (!state) throw new Error("a chain's head was not read");
    return state;
  };
  const source: AuditSource = {
    chainIds: async () => chains,
    checkpoints: async (chain) => {
      const live = headCheckpoint(headOf(chain));
      const stored = await latestCheckpoint(deps.db, chain);
      return [stored, live].filter((c): c is AuditCheckpoint => c !== null);
    },
    displaced: async (chain) => {
      const { displacedSeq } = headOf(chain);
      return displacedSeq === null ? null : { chain, seq: displacedSeq };
    },
    rows: (chain, after, limit) => readAuditRows(deps.db, chain, after, limit),
  };
  return verifySource(source, deps.keys);
}

/**
 * Chains whose head reports a displaced row, for readiness: the configured
 * shards only (one cheap read each); verification covers every chain.
 */
export async function displacedChains(
  heads: StoredAuditDeps["heads"],
  chains: readonly string[],
): Promise<AuditDisplacement[]> {
  const states = await readHeads(heads, chains);
  return [...states.values()].flatMap((s) =>
    s.displacedSeq === null ? [] : [{ chain: s.chain, seq: s.displacedSeq }],
  );
}
