import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import { toIntrospection } from "../auth/tokens/introspection";
import { httpErrors, notConfigured } from "../errors";
import { keyRequired, presentedServiceKey } from "../middleware/bearer";
import { limitByIp } from "../middleware/rate-limit";
import { describeRoute } from "./openapi/route-doc";
import { formOrJsonBody } from "./validate";

const TokenParam = z.object({
  token: z.string().max(4096),
  token_type_hint: z.string().max(64).optional(),
});

/** RFC 7662 §2.2: an inactive token says nothing else (§4). */
const IntrospectionSchema = z.union([
  z.strictObject({
    active: z.literal(true),
    token_type: z.literal("Bearer"),
    client_id: z.string(),
    sub: z.string(),
    aud: z.string(),
    iss: z.string(),
    exp: z.number().int(),
    iat: z.number().int(),
    jti: z.string(),
    sid: z.string(),
  }),
  z.strictObject({ active: z.literal(false) }),
]);

/**
 * RFC 7662 token introspection for services outside Workers (inside Workers,
 * bind to the AuthService entrypoint instead). The caller authenticates with a
 * service key from INTROSPECTION_KEYS (§2.1); without configured keys the
 * endpoint does not exist.
 */
export const introspect = new Hono<AppEnv>().post(
  "/v1/introspect",
  describeRoute({
    tag: "introspection",
    summary: "Whether an access token is active, and its claims (RFC 7662)",
    description:
      "For services outside Workers; the caller authenticates with a service key from INTROSPECTION_KEYS (§2.1). The token comes as a form (§2.1) or as JSON. Off (404 `not_configured`) when no keys are configured.",
    security: ["serviceKey"],
    responses: { 200: { description: "the token's state", schema: IntrospectionSchema } },
    errors: [httpErrors.specs.not_configured, authErrors.specs.credentials_required],
    limited: true,
  }),
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
