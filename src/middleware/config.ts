import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { type Config, ConfigError, parseConfig } from "../config";
import { AuthError } from "../errors";
import { createServices } from "../services";

// Parsed once per isolate. Bindings are fixed for an isolate's lifetime, so the
// env object is a sound cache key; this caches a pure function of it, nothing more.
const parsed = new WeakMap<object, Config | ConfigError>();

function configFor(env: Env): Config {
  let result = parsed.get(env);
  if (!result) {
    try {
      result = parseConfig(env as unknown as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      result = err;
      // Names only: values may be secrets.
      console.error(
        JSON.stringify({ level: "error", msg: "invalid configuration", variables: err.variables }),
      );
    }
    parsed.set(env, result);
  }
  if (result instanceof ConfigError) {
    throw new AuthError("server_misconfigured", 503, "the service is not configured");
  }
  return result;
}

/** Fails closed: with a bad configuration every request gets 503, never a guess. */
export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  const config = configFor(c.env);
  c.set("config", config);
  c.set("services", createServices(config));
  await next();
});
