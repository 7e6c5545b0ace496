import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import {
  type AccountAdminDeps,
  deleteAccount,
  disableAccount,
  enableAccount,
  forcePasswordReset,
} from "../auth/account-admin";
import { authErrors } from "../auth/errors";
import { listSessions } from "../auth/sessions";
import { invalidRequest } from "../errors";
import { adminAccess } from "../middleware/admin-access";
import { UUID } from "./fields";

const PAGE_MAX = 100;

/** The search's query string: every filter optional, a page of at most 100. */
const SearchQuery = z.strictObject({
  id: z.string().regex(UUID, "a user id").optional(),
  email_prefix: z.string().trim().min(1).max(254).optional(),
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_MAX).default(50),
  cursor: z.string().max(512).optional(),
});

function searchQuery(c: Context<AppEnv>): z.infer<typeof SearchQuery> {
  const parsed = SearchQuery.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "query";
    throw invalidRequest(`${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function userIdOf(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw authErrors.error("user_not_found");
  return id;
}

const adminDeps = (c: Context<AppEnv>): AccountAdminDeps => {
  const services = c.get("services");
  return {
    sessions: services.sessionDeps(),
    directory: services.userDirectory,
    erasureGuards: services.erasureGuards,
  };
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * User administration for support staff and scripts (README "User
 * administration"): the admin key, or a person whose roles grant the
 * action's permission now; every change needs a recent authentication
 * (RFC 9470) and is audited with who acted.
 */
export const adminUsers = new Hono<AppEnv>()
  .get("/v1/admin/users", adminAccess("users:read", { stepUp: false }), async (c) => {
    const q = searchQuery(c);
    const services = c.get("services");
    const page = await services.userDirectory
      .search({
        ...(q.id === undefined ? {} : { id: q.id }),
        ...(q.email_prefix === undefined ? {} : { emailPrefix: q.email_prefix }),
        ...(q.created_from === undefined ? {} : { createdFrom: new Date(q.created_from) }),
        ...(q.created_to === undefined ? {} : { createdTo: new Date(q.created_to) }),
        ...(q.cursor === undefined ? {} : { after: q.cursor }),
        limit: q.limit,
      })
      .catch((err: unknown) => {
        if (err instanceof RangeError) throw authErrors.error("invalid_cursor");
        throw err;
      });
    c.header("Cache-Control", "no-store");
    return c.json({
      users: page.users.map((u) => ({
        id: u.id,
        email: u.email,
        email_verified: u.emailVerified,
        created_at: u.createdAt.toISOString(),
        disabled_at: iso(u.disabledAt),
      })),
      next_cursor: page.next,
    });
  })
  .get("/v1/admin/users/:id", adminAccess("users:read", { stepUp: false }), async (c) => {
    const userId = userIdOf(c);
    const services = c.get("services");
    const user = await services.users.findById(userId);
    if (!user) throw authErrors.error("user_not_found");
    const [sessions, ...sections] = await Promise.all([
      listSessions(services.sessionDeps(), userId),
      ...services.accountFacts.map(async (f) => [f.section, await f.factsFor(userId)] as const),
    ]);
    c.header("Cache-Control", "no-store");
    return c.json({
      id: user.id,
      email: user.email,
      email_verified: user.emailVerifiedAt !== null,
      created_at: user.createdAt.toISOString(),
      disabled_at: iso(user.disabledAt),
      password_set: user.passwordHash !== null,
      password_reset_required: !!user.passwordResetRequiredAt,
      sessions: sessions.map((s) => ({
        id: s.id,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: s.expiresAt.toISOString(),
        user_agent: s.userAgent,
        ip: s.ip,
      })),
      ...Object.fromEntries(sections),
    });
  })
  .post(
    "/v1/admin/users/:id/disable",
    adminAccess("users:disable", { stepUp: true }),
    async (c) => {
      await disableAccount(adminDeps(c), userIdOf(c), c.get("actor").id);
      return c.body(null, 204);
    },
  )
  .post("/v1/admin/users/:id/enable", adminAccess("users:disable", { stepUp: true }), async (c) => {
    await enableAccount(adminDeps(c), userIdOf(c), c.get("actor").id);
    return c.body(null, 204);
  })
  .post(
    "/v1/admin/users/:id/password-reset",
    adminAccess("users:reset", { stepUp: true }),
    async (c) => {
      await forcePasswordReset(adminDeps(c), userIdOf(c), c.get("actor").id);
      return c.body(null, 204);
    },
  )
  .delete("/v1/admin/users/:id", adminAccess("users:delete", { stepUp: true }), async (c) => {
    await deleteAccount(adminDeps(c), userIdOf(c), c.get("actor").id);
    return c.body(null, 204);
  });
