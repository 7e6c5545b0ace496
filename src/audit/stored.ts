import type { AuditHead, HeadState } from "../adapters/durable-objects/audit-head";
import type { Db } from "../adapters/postgres/client";
import {
  type AuditCheckpoint,
  type AuditKey,
  type AuditSource,
  type AuditVerifyResult,
  byChainId,
  verifySource,
} from "./chain";
import { latestCheckpoint, readAuditRows, storedChainIds } from "./postgres-store";
import { shardChains } from "./shard";

export interface StoredAuditDeps {
  /** Reads audit_events and audit_checkpoints. */
  db: Db;
  heads: DurableObjectNamespace<AuditHead>;
  keys: ReadonlyArray<AuditKey>;
  shards: number;
}

/** A live head's state; asking creates nothing durable for a chain that never had events. */
export function headState(heads: StoredAuditDeps["heads"], chain: string): Promise<HeadState> {
  return heads.get(heads.idFromName(chain)).state(chain);
}

/** What the head knows Postgres holds, as a checkpoint (none before its first flush). */
function headCheckpoint(state: HeadState): AuditCheckpoint | null {
  return state.flushedSeq > 0
    ? { chain: state.chain, seq: state.flushedSeq, mac: state.flushedMac, source: "live head" }
    : null;
}

/**
 * The chains to look at: the requested ones, or every chain found in Postgres
 * plus every configured shard (a shard whose rows and checkpoints were all
 * deleted is still held to its live head).
 */
export async function chainsToCheck(
  deps: Pick<StoredAuditDeps, "db" | "shards">,
  requested: readonly string[] | undefined,
): Promise<string[]> {
  const chains = requested?.length
    ? requested
    : [...(await storedChainIds(deps.db)), ...shardChains(deps.shards)];
  return [...new Set(chains)].sort(byChainId);
}

/**
 * Verifies the stored chains against their newest stored checkpoint and their
 * live head, one page at a time.
 */
export async function verifyStoredAudit(
  deps: StoredAuditDeps,
  requested?: readonly string[],
): Promise<AuditVerifyResult> {
  const chains = await chainsToCheck(deps, requested);
  const source: AuditSource = {
    chainIds: async () => chains,
    // The head first: it only moves forward, so reading it before the rows
    // cannot make a concurrent flush look like a truncation.
    checkpoints: async (chain) => {
      const live = headCheckpoint(await headState(deps.heads, chain));
      const stored = await latestCheckpoint(deps.db, chain);
      return [stored, live].filter((c): c is AuditCheckpoint => c !== null);
    },
    rows: (chain, after, limit) => readAuditRows(deps.db, chain, after, limit),
  };
  return verifySource(source, deps.keys);
}
