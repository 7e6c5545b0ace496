import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Correlates a request across logs and the audit trail. Cloudflare's `cf-ray`
 * is preferred; a caller-supplied `x-request-id` is kept only when it is short
 * and harmless, since it ends up in log lines.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const supplied = c.req.header("cf-ray") ?? c.req.header("x-request-id");
  const id = supplied && SAFE_ID.test(supplied) ? supplied : crypto.randomUUID();
  c.set("requestId", id);
  await next();
  c.header("X-Request-Id", id);
});
