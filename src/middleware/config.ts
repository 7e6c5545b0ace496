import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { createServices } from "../composition-root";
import { ConfigError, configFromEnv } from "../config";
import { httpErrors } from "../errors";

/**
 * Fails closed: with a bad configuration every request through here gets 503,
 * never a guess. The answer points the operator to the two places that say
 * which variables are at fault (GET /ready and the log line); it does not list
 * them itself, so API clients get one stable error whatever the deployment.
 */
export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  const config = configFromEnv(c.env);
  if (config instanceof ConfigError) {
    throw httpErrors.error("server_misconfigured");
  }
  c.set("config", config);
  c.set(
    "services",
    createServices(config, c.env, {
      waitUntil: (p) => c.executionCtx.waitUntil(p),
      requestId: c.get("requestId"),
      ip: c.req.header("cf-connecting-ip") ?? null,
      userAgent: c.req.header("user-agent")?.slice(0, 512) ?? null,
    }),
  );
  await next();
});
