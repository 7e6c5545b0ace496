import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { matchServiceKey } from "../auth/service-keys";
import { AuthError } from "../errors";

const BEARER = /^Bearer +(\S+)$/;

/**
 * Admin endpoints: off (404) unless ADMIN_API_KEY is set; otherwise the caller
 * presents it as a bearer token, compared in constant time.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.get("config").adminApiKey;
  if (!key) throw new AuthError("not_found", 404, "no such endpoint");
  const presented = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
  const ok =
    presented !== undefined &&
    (await matchServiceKey(presented, [{ id: "admin", secret: key }])) !== null;
  if (!ok) {
    throw new AuthError("unauthorized", 401, "a valid admin key is required", {
      "WWW-Authenticate": `Bearer realm="${c.get("config").realm}"`,
    });
  }
  await next();
});
