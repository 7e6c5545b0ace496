// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { defineConfigPart } from "../../core-config.ts";

/** Roles have no settings of their own yet: their admin routes count under `admin_ip`. */
export const rolesConfig = defineConfigPart({
  name: "roles",
  variables: {},
  build: () => ({}),
});
