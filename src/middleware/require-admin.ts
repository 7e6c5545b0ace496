import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { checkIpLimit } from "../auth/throttle";
import { notConfigured } from "../errors";
import { keyRequired, presentedServiceKey } from "./bearer";
import { clientNetworkOf } from "./rate-limit";

/**
 * Admin endpoints: off (404) unless ADMIN_API_KEY is set; otherwise the caller
 * presents it as a bearer token, compared in constant time.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.get("config").adminApiKey;
  if (!key) throw notConfigured("the admin API", "ADMIN_API_KEY");
  // Checks a secret: limited per IP before the comparison, failing closed.
  const services = c.get("services");
  await checkIpLimit(services.limiter, "admin_ip", clientNetworkOf(c), services.clock.now(), false);
  const ok = (await presentedServiceKey(c, [{ id: "admin", secret: key }])) !== null;
  // Every use of the admin key is recorded, refused ones included.
  services.audit.record({
    type: "admin_key_used",
    userId: null,
    details: { method: c.req.method, path: c.req.path, outcome: ok ? "ok" : "denied" },
  });
  if (!ok) throw keyRequired(c.get("config").realm, "admin key");
  await next();
});
