import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { logoutEverywhere } from "../auth/credential-change";
import { endSession, refreshSession } from "../auth/sessions";
import { invalidRequest } from "../errors";
import { limitByIp } from "../middleware/rate-limit";
import { requireAuth } from "../middleware/require-auth";
import { clearRefreshCookie, refreshTokenOf, tokenResponse } from "./token-response";
import { jsonBody } from "./validate";

// The token is optional in the body: browser mode sends it as a cookie.
const RefreshBody = z.object({ refresh_token: z.string().max(512).optional() });

export const tokens = new Hono<AppEnv>()
  // Refresh secrets carry 256 bits, so the limit is about load, not guessing:
  // it fails open, and the family's object still has the last word.
  .use("/v1/token/refresh", limitByIp("token_ip", { failOpen: true }))
  .use("/v1/logout", limitByIp("token_ip", { failOpen: true }))
  .post("/v1/token/refresh", jsonBody(RefreshBody), async (c) => {
    const body = c.req.valid("json");
    const { token, transport } = refreshTokenOf(c, body.refresh_token);
    // RFC 6749 §5.2: a missing parameter is a malformed request, not a bad grant.
    if (token === undefined) throw invalidRequest("refresh_token is required");
    const issued = await refreshSession(c.get("services").sessionDeps(), token);
    return tokenResponse(c, issued, transport);
  })
  .post("/v1/logout", jsonBody(RefreshBody), async (c) => {
    const body = c.req.valid("json");
    const { token, transport } = refreshTokenOf(c, body.refresh_token);
    await endSession(c.get("services").sessionDeps(), token);
    if (transport === "cookie") clearRefreshCookie(c);
    return c.body(null, 204);
  })
  .post("/v1/logout-all", requireAuth, async (c) => {
    const services = c.get("services");
    await logoutEverywhere(
      { sessions: services.sessionDeps(), users: services.users },
      c.get("claims").sub,
    );
    clearRefreshCookie(c);
    return c.body(null, 204);
  });
