import type { Services } from "./composition-root";
import type { Config } from "./config";

/** Hono's typing for this app: bindings from `wrangler types`, per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    requestId: string;
    services: Services;
  };
}
