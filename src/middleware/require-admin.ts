import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { checkIpLimit } from "../auth/throttle";
import { notConfigured } from "../errors";
import { keyRequired, presentedServiceKey } from "./bearer";
import { clientNetworkOf } from "./rate-limit";

/**
 * Whether the request presents ADMIN_API_KEY as its bearer token (compared
 * in constant time; false when no key is configured). It checks a secret, so
 * it is limited per client first, failing closed.
 */
export async function adminKeyPresented(c: Context<AppEnv>): Promise<boolean> {
  const services = c.get("services");
  await checkIpLimit(services.limiter, "admin_ip", clientNetworkOf(c), services.clock.now(), false);
  const key = c.get("config").adminApiKey;
  return key ? (await presentedServiceKey(c, [{ id: "admin", secret: key }])) !== null : false;
}

/** Every use of the admin key is recorded, refused ones included. */
export function recordAdminKeyUse(c: Context<AppEnv>, ok: boolean): void {
  c.get("services").audit.record({
    type: "admin_key_used",
    userId: null,
    details: { method: c.req.method, path: c.req.path, outcome: ok ? "ok" : "denied" },
  });
}

/**
 * Admin endpoints: off (404) unless ADMIN_API_KEY is set; otherwise the caller
 * presents it as a bearer token.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("config").adminApiKey) throw notConfigured("the admin API", "ADMIN_API_KEY");
  const ok = await adminKeyPresented(c);
  recordAdminKeyUse(c, ok);
  if (!ok) throw keyRequired(c.get("config").realm, "admin key");
  await next();
});
