import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { clientNetwork } from "../auth/client-network";
import { checkIpLimit } from "../auth/throttle";
import type { LimitBucket, LimitResult } from "../ports";

/**
 * The client per-client limits count: its IPv4 address or IPv6 network
 * (auth/client-network.ts). Only Cloudflare's `CF-Connecting-IP` is trusted:
 * `X-Forwarded-For` and friends are set by whoever sends the request.
 * Without it (local runs) every client shares one bucket.
 */
export function clientNetworkOf(c: Context<AppEnv>): string {
  return clientNetwork(
    c.req.header("cf-connecting-ip") ?? "unknown",
    c.get("config").ipv6PrefixBits,
  );
}

/**
 * A per-IP sliding window in front of an endpoint. `failOpen` is the explicit
 * per-endpoint choice for when Redis does not answer in time (docs/security.md).
 */
export const limitByIp = (bucket: LimitBucket, opts: { failOpen: boolean }) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const services = c.get("services");
    const r = await checkIpLimit(
      services.limiter,
      bucket,
      clientNetworkOf(c),
      services.clock.now(),
      opts.failOpen,
    );
    await next();
    if (!r.timedOut) setLimitHeaders(c, r, services.clock.now());
  });

/** The RateLimit-* fields of draft-ietf-httpapi-ratelimit-headers for a counted hit. */
export function setLimitHeaders(c: Context<AppEnv>, r: LimitResult, now: number): void {
  c.header("RateLimit-Limit", String(r.limit));
  c.header("RateLimit-Remaining", String(Math.max(0, r.remaining)));
  c.header("RateLimit-Reset", String(Math.max(0, Math.ceil((r.resetAt - now) / 1000))));
}
