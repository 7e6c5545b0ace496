import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import { listSessions, revokeOwnSession } from "../auth/sessions";
import { isRecentAuthentication } from "../auth/step-up";
import { requireAuth } from "../middleware/require-auth";
import { insufficientAuthentication } from "../middleware/require-recent-auth";

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

export const sessions = new Hono<AppEnv>()
  .use("/v1/sessions", requireAuth)
  .use("/v1/sessions/*", requireAuth)
  .get("/v1/sessions", async (c) => {
    const claims = c.get("claims");
    const list = await listSessions(c.get("services").sessionDeps(), claims.sub);
    c.header("Cache-Control", "no-store");
    return c.json({
      sessions: list.map((s) => ({
        id: s.id,
        current: s.id === claims.sid,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: s.expiresAt.toISOString(),
        user_agent: s.userAgent,
        ip: s.ip,
      })),
    });
  })
  .delete("/v1/sessions/:id", async (c) => {
    const id = c.req.param("id");
    if (!SESSION_ID.test(id)) throw authErrors.error("session_not_found");
    // Ending one's own session is a logout; ending another is a sensitive change.
    const config = c.get("config");
    const claims = c.get("claims");
    if (
      id !== claims.sid &&
      !isRecentAuthentication(claims, c.get("services").clock.now(), config.reauthMaxAgeSeconds)
    ) {
      throw insufficientAuthentication(config.realm, config.reauthMaxAgeSeconds);
    }
    await revokeOwnSession(c.get("services").sessionDeps(), c.get("claims").sub, id);
    return c.body(null, 204);
  });
