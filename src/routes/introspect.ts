import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { toIntrospection } from "../auth/tokens/introspection";
import { notConfigured } from "../errors";
import { keyRequired, presentedServiceKey } from "../middleware/bearer";
import { limitByIp } from "../middleware/rate-limit";
import { formOrJsonBody } from "./validate";

const TokenParam = z.object({
  token: z.string().max(4096),
  token_type_hint: z.string().max(64).optional(),
});

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
  async (c, next) => {
    const keys = c.get("config").introspectionKeys;
    if (keys.length === 0) throw notConfigured("token introspection", "INTROSPECTION_KEYS");
    if (!(await presentedServiceKey(c, keys))) {
      throw keyRequired(c.get("config").realm, "service key");
    }
    await next();
  },
  formOrJsonBody(TokenParam, "token is required"),
  async (c) => {
    const result = await c.get("services").checkAccessToken(c.req.valid("json").token);
    c.header("Cache-Control", "no-store");
    return c.json(toIntrospection(result));
  },
);
