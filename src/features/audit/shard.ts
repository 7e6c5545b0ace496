/**
 * Which chain an event belongs to. Chains are sharded so no single Durable
 * Object sees every login; a user's events always land in the same chain, so
 * their order is the chain's order.
 */

/** Chain ids of production shards: `shard-0` … `shard-<N-1>`. */
export const DEFAULT_CHAIN_PREFIX = "shard-";

/**
 * The most shards AUDIT_SHARDS may configure. Verification asks the heads of
 * all of them, so a shard retired by lowering AUDIT_SHARDS is still checked.
 */
export const MAX_SHARDS = 256;

/** Chain ids: short, printable, safe in a Durable Object name, a URL and a log line. */
export const CHAIN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * FNV-1a (32-bit) over UTF-16 code units, modulo `shards`. Not a security
 * boundary, only a stable, well-spread, synchronous choice (SHA-256 would need
 * an await on the request path for no benefit).
 */
export function shardOf(key: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

export function chainIdOf(shard: number, prefix = DEFAULT_CHAIN_PREFIX): string {
  return `${prefix}${shard}`;
}

/** Every chain the configured shards write to. */
export function shardChains(shards: number, prefix = DEFAULT_CHAIN_PREFIX): string[] {
  return Array.from({ length: shards }, (_, i) => chainIdOf(i, prefix));
}
