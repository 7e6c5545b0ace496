import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { logoutEverywhere } from "../auth/credential-change";
import { authErrors } from "../auth/errors";
import { parseRefreshToken } from "../auth/refresh/refresh-token";
import { endSession, refreshSession } from "../auth/sessions";
import { invalidRequest } from "../errors";
import { limitByIp } from "../middleware/rate-limit";
import { requireAuth } from "../middleware/require-auth";
import { describeRoute } from "./openapi/route-doc";
import { admitRefresh } from "./refresh-admission";
import { TokenPairSchema } from "./response-schemas";
import { clearRefreshCookie, refreshTokenOf, tokenResponse } from "./token-response";
import { jsonBody } from "./validate";

// The token is optional in the body: browser mode sends it as a cookie.
const RefreshBody = z.object({ refresh_token: z.string().max(512).optional() });

const errors = authErrors.specs;

export const tokens = new Hono<AppEnv>()
  // Refresh secrets carry 256 bits, so the limit is about load, not guessing:
  // it fails open, and the family's object still has the last word. A refresh
  // counts in its handler (./refresh-admission.ts), with the not-before.
  .use("/v1/logout", limitByIp("token_ip", { failOpen: true }))
  .post(
    "/v1/token/refresh",
    describeRoute({
      tag: "tokens",
      summary: "Exchange a refresh token for a new token pair",
      description:
        "RFC 6749 §6 with rotation: the refresh token comes in the body, or in `__Host-refresh` from an allowed Origin (cookie mode, which answers the new one in the cookie). A reused token revokes its whole family; unknown, expired, revoked and reused tokens all answer `invalid_grant` (§5.2).",
      security: ["refreshCookie"],
      responses: { 200: { description: "the new token pair", schema: TokenPairSchema } },
      errors: [errors.invalid_grant, errors.invalid_origin],
      limited: true,
    }),
    jsonBody(RefreshBody),
    async (c) => {
      const body = c.req.valid("json");
      const { token, transport } = refreshTokenOf(c, body.refresh_token);
      const parts = parseRefreshToken(token);
      const admitted = await admitRefresh(c, parts);
      // RFC 6749 §5.2: a missing parameter is a malformed request, not a bad grant.
      if (token === undefined) throw invalidRequest("refresh_token is required");
      const issued = await refreshSession(c.get("services").sessionDeps(), parts, admitted);
      return tokenResponse(c, issued, transport);
    },
  )
  .post(
    "/v1/logout",
    describeRoute({
      tag: "tokens",
      summary: "End the session of a refresh token",
      description:
        "The refresh token comes in the body, or in `__Host-refresh` from an allowed Origin (the cookie is then cleared). RFC 7009 §2.2: 204 whether or not the token was valid.",
      security: ["refreshCookie"],
      responses: { 204: { description: "the session, if any, has ended" } },
      errors: [errors.invalid_origin],
      limited: true,
    }),
    jsonBody(RefreshBody),
    async (c) => {
      const body = c.req.valid("json");
      const { token, transport } = refreshTokenOf(c, body.refresh_token);
      await endSession(c.get("services").sessionDeps(), token);
      if (transport === "cookie") clearRefreshCookie(c);
      return c.body(null, 204);
    },
  )
  .post(
    "/v1/logout-all",
    describeRoute({
      tag: "tokens",
      summary: "End every session of the signed-in account",
      description:
        "Also ends every pending password-reset and email-change link and every legacy session, and clears the refresh cookie.",
      security: ["bearer"],
      responses: { 204: { description: "every session has ended" } },
      errors: [errors.credentials_required, errors.invalid_access_token],
    }),
    requireAuth,
    async (c) => {
      const services = c.get("services");
      await logoutEverywhere(
        { sessions: services.sessionDeps(), users: services.users },
        c.get("claims").sub,
      );
      clearRefreshCookie(c);
      return c.body(null, 204);
    },
  );
