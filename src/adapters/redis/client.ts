import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../../config";

/**
 * Upstash's REST client: every command is one HTTPS request, so a client per
 * request costs nothing and carries no connection state between requests.
 */
export function createRedis(cfg: Config): Redis {
  return new Redis({
    url: cfg.redis.url,
    token: cfg.redis.token,
    // Fail fast: /ready and the request path must not hang on a dead Redis.
    retry: { retries: 1, backoff: () => 50 },
    enableTelemetry: false,
  });
}
