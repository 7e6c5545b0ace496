import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import { listSessions, revokeOwnSession } from "../auth/sessions";
import { isRecentAuthentication } from "../auth/step-up";
import { requireAuth } from "../middleware/require-auth";
import { insufficientAuthentication } from "../middleware/require-recent-auth";
import { describeRoute } from "./openapi/route-doc";

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

const timestamp = z.iso.datetime({ offset: true });

/** One listed session as GET /v1/sessions writes it (the admin's view omits `current`). */
export const SessionSchema = z.strictObject({
  id: z.string(),
  current: z.boolean().describe("the session of the access token that asks"),
  created_at: timestamp,
  last_used_at: timestamp.describe("kept to the hour"),
  expires_at: timestamp,
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
});

const errors = authErrors.specs;

export const sessions = new Hono<AppEnv>()
  .use("/v1/sessions", requireAuth)
  .use("/v1/sessions/*", requireAuth)
  .get(
    "/v1/sessions",
    describeRoute({
      tag: "sessions",
      summary: "The signed-in account's active sessions",
      security: ["bearer"],
      responses: {
        200: {
          description: "the active sessions",
          schema: z.strictObject({ sessions: z.array(SessionSchema) }),
        },
      },
      errors: [errors.credentials_required, errors.invalid_access_token],
    }),
    async (c) => {
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
    },
  )
  .delete(
    "/v1/sessions/:id",
    describeRoute({
      tag: "sessions",
      summary: "End one of the signed-in account's sessions",
      description:
        "Ending the caller's own session is a logout; ending another one is a sensitive change and needs a recent authentication (RFC 9470). Anyone else's session is not found.",
      security: ["bearer"],
      params: z.object({ id: z.string().regex(SESSION_ID) }),
      responses: { 204: { description: "the session has ended" } },
      errors: [
        errors.credentials_required,
        errors.invalid_access_token,
        errors.insufficient_user_authentication,
        errors.session_not_found,
      ],
    }),
    async (c) => {
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
    },
  );
