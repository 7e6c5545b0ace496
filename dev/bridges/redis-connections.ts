// Redis connections for the Upstash bridge.
//
// Independent commands ("/" and "/pipeline") share one pipelined connection.
// MULTI ... EXEC and blocking commands get a connection of their own for the
// duration of one request: inside MULTI another request's command would join
// the transaction, and a BLPOP would stall everyone queued behind it.
import type { RedisBackend } from "./resp.ts";

export type RedisFactory = () => Promise<RedisBackend> | RedisBackend;

export interface RedisConnections {
  shared(): Promise<RedisBackend>;
  /** Runs `use` on a connection nobody else uses meanwhile. */
  exclusive<T>(use: (backend: RedisBackend) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Idle exclusive connections kept for reuse, so transactions skip the TCP handshake. */
const MAX_IDLE_EXCLUSIVE = 4;

export function createRedisConnections(factory: RedisFactory): RedisConnections {
  let shared: Promise<RedisBackend> | undefined;
  let sharedBackend: RedisBackend | undefined;
  const idle: RedisBackend[] = [];
  /** Exclusive leases in progress, counted per backend (a factory may repeat one). */
  const leases = new Map<RedisBackend, number>();
  let closed = false;

  // A factory may return one instance for every call (an in-process fake that
  // executes each call synchronously). Such a backend is never pooled twice nor
  // closed while the shared slot or another lease still uses it.
  const isInUseElsewhere = (backend: RedisBackend) =>
    backend === sharedBackend || (leases.get(backend) ?? 0) > 0 || idle.includes(backend);

  return {
    shared() {
      if (closed) return Promise.reject(new Error("bridge is closed"));
      if (!shared) {
        shared = Promise.resolve().then(factory);
        shared.then(
          (backend) => {
            sharedBackend = backend;
          },
          // A failed connect must not be cached: retry on the next request.
          () => {
            shared = undefined;
          },
        );
      }
      return shared;
    },

    async exclusive(use) {
      if (closed) throw new Error("bridge is closed");
      const backend = idle.pop() ?? (await factory());
      leases.set(backend, (leases.get(backend) ?? 0) + 1);
      let healthy = true;
      try {
        return await use(backend);
      } catch (error) {
        // A rejected call means the connection failed mid-request; its state
        // (possibly inside MULTI) is unknown, so never reuse it.
        healthy = false;
        throw error;
      } finally {
        const remaining = (leases.get(backend) ?? 1) - 1;
        if (remaining > 0) leases.set(backend, remaining);
        else leases.delete(backend);
        if (!isInUseElsewhere(backend)) {
          if (healthy && !closed && idle.length < MAX_IDLE_EXCLUSIVE) idle.push(backend);
          else void backend.close().catch(() => {});
        }
      }
    },

    async close() {
      closed = true;
      const all = new Set<RedisBackend>([...idle, ...leases.keys()]);
      idle.length = 0;
      leases.clear();
      const backend = await shared?.catch(() => undefined);
      if (backend) all.add(backend);
      await Promise.all([...all].map((b) => b.close().catch(() => {})));
    },
  };
}
