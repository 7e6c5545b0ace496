import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { matchServiceKey } from "../auth/service-keys";
import { toIntrospection } from "../auth/tokens/introspection";
import { AuthError, notConfigured } from "../errors";
import { limitByIp } from "../middleware/rate-limit";
import { readJson } from "./read-json";

const TokenParam = z.object({
  token: z.string().max(4096),
  token_type_hint: z.string().max(64).optional(),
});
const BEARER = /^Bearer +(\S+)$/;

/**
 * RFC 7662 token introspection for services outside Workers (inside Workers,
 * bind to the AuthService entrypoint instead). The caller authenticates with a
 * service key from INTROSPECTION_KEYS (§2.1); without configured keys the
 * endpoint does not exist.
 */
export const introspect = new Hono<AppEnv>().post(
  "/v1/introspect",
  // Checks a secret (the service key): fails closed.
  limitByIp("introspect_ip", { failOpen: false }),
  async (c) => {
    const keys = c.get("config").introspectionKeys;
    if (keys.length === 0) throw notConfigured("token introspection", "INTROSPECTION_KEYS");
    const presented = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
    const caller = presented ? await matchServiceKey(presented, keys) : null;
    if (!caller) {
      throw new AuthError("unauthorized", 401, "a valid service key is required", {
        "WWW-Authenticate": `Bearer realm="${c.get("config").realm}"`,
      });
    }
    // §2.1 specifies a form body; JSON is accepted too.
    const form = /^application\/x-www-form-urlencoded\b/i.test(c.req.header("content-type") ?? "");
    const params = form ? TokenParam.safeParse(await c.req.parseBody()) : null;
    if (params && !params.success) throw new AuthError("invalid_request", 400, "token is required");
    const { token } = params?.data ?? (await readJson(c, TokenParam));
    const result = await c.get("services").checkAccessToken(token);
    c.header("Cache-Control", "no-store");
    return c.json(toIntrospection(result));
  },
);
