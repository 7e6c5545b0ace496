import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../../config";

// One client per isolate and configuration. Constructing @upstash/redis's client
// defines hundreds of command closures, and its auto-pipelining builds a Pipeline
// per command: together the largest CPU cost of an online check (bench/README.md).
const clients = new WeakMap<Config, Redis>();

/**
 * Upstash's REST client: every command is one HTTPS request made by the caller
 * (its fetch runs in the calling request's context) and the client holds no I/O
 * objects, so one instance serves every request of the isolate. Auto-pipelining
 * stays off: a shared client would batch commands of concurrent requests into
 * one fetch, resolving one request's promise from another request's I/O.
 */
export function createRedis(cfg: Config): Redis {
  let client = clients.get(cfg);
  if (!client) {
    client = new Redis({
      url: cfg.redis.url,
      token: cfg.redis.token,
      // Fail fast: /ready and the request path must not hang on a dead Redis.
      retry: { retries: 1, backoff: () => 50 },
      enableTelemetry: false,
      enableAutoPipelining: false,
    });
    clients.set(cfg, client);
  }
  return client;
}
