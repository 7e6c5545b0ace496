import type { Config } from "./core-config";
import type { Services } from "./services";

/** Hono's typing for this app: bindings from `wrangler types`, per-request variables. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    requestId: string;
    services: Services;
  };
}
