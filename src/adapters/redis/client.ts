import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../../core-config";

/**
 * Upstash's REST client: every command is one HTTPS request, so a client per
 * request carries no connection state between requests. Making one is not
 * free: its class defines each of its ~250 commands as a closure per instance,
 * 60–80 µs of CPU per client here (bench/README.md, "Where `verify()`
 * spends"); one per request is what the data-access rule asks for.
 */
export function createRedis(cfg: Config): Redis {
  return new Redis({
    url: cfg.redis.url,
    token: cfg.redis.token,
    // Fail fast: /ready and the request path must not hang on a dead Redis.
    retry: { retries: 1, backoff: () => 50 },
    enableTelemetry: false,
    // Auto-pipelining batches the commands issued in one tick into one request, but
    // it builds a Pipeline object and a Proxy per client and per batch. Our requests
    // issue one command at a time or an explicit pipeline/MGET, so it never batched
    // anything; it was the largest CPU cost of a refresh (npm run bench:profile).
    enableAutoPipelining: false,
  });
}
