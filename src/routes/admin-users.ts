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
import type { ErrorSpec } from "../errors";
import { adminAccess } from "../middleware/admin-access";
import { UUID } from "./fields";
import { describeRoute } from "./openapi/route-doc";
import { parseOrRefuse } from "./read-json";
import { SessionSchema } from "./sessions";

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
    disableGuards: services.disableGuards,
  };
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

const errors = authErrors.specs;
const timestamp = z.iso.datetime({ offset: true });
const UserIdParam = z.object({ id: z.string().regex(UUID).describe("the user's id") });

/**
 * What adminAccess answers: no or a wrong credential, a token without the
 * permission. It also limits each client (admin_ip) before it checks the key,
 * so every admin route is `limited`.
 */
const ACCESS_ERRORS: readonly ErrorSpec[] = [
  errors.credentials_required,
  errors.invalid_access_token,
  errors.forbidden,
];

/** A change also needs a recent authentication of the person (RFC 9470), and names a user. */
const CHANGE_ERRORS: readonly ErrorSpec[] = [
  ...ACCESS_ERRORS,
  errors.insufficient_user_authentication,
  errors.user_not_found,
];

const ListedUserSchema = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  email_verified: z.boolean(),
  created_at: timestamp,
  disabled_at: timestamp.nullable(),
});

/**
 * The admin's view of one account. Each feature adds its own section
 * (AccountFactsSource: `roles`, `mfa`, `passkeys`, `identities`,
 * `recent_events`, as deployed), so the object is open beyond the core's fields.
 */
const UserViewSchema = z.looseObject({
  id: z.uuid(),
  email: z.string(),
  email_verified: z.boolean(),
  created_at: timestamp,
  disabled_at: timestamp.nullable(),
  password_set: z.boolean(),
  password_reset_required: z.boolean(),
  sessions: z.array(SessionSchema.omit({ current: true })),
});

/**
 * User administration for support staff and scripts (README "User
 * administration"): the admin key, or a person whose roles grant the
 * action's permission now; every change needs a recent authentication
 * (RFC 9470) and is audited with who acted.
 */
export const adminUsers = new Hono<AppEnv>()
  .get(
    "/v1/admin/users",
    describeRoute({
      tag: "admin",
      security: ["adminKey", "bearer"],
      summary: "Search accounts",
      description:
        "By id, by address prefix (in address order), or newest first, within an optional creation range (RFC 3339); at most 100 a page. Needs `users:read`; pass `next_cursor` back as `cursor`.",
      query: SearchQuery,
      responses: {
        200: {
          description: "a page of accounts",
          schema: z.strictObject({
            users: z.array(ListedUserSchema),
            next_cursor: z.string().nullable().describe("null on the last page"),
          }),
        },
      },
      errors: [...ACCESS_ERRORS, errors.invalid_cursor],
      limited: true,
    }),
    adminAccess("users:read", { stepUp: false }),
    async (c) => {
      const q = parseOrRefuse(SearchQuery, c.req.query(), "query");
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
      // Who looked, and how much they saw; the query stays out (it may hold an address).
      services.audit.record({
        type: "accounts_searched",
        userId: null,
        details: { by: c.get("actor").id, results: page.users.length },
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
    },
  )
  .get(
    "/v1/admin/users/:id",
    describeRoute({
      tag: "admin",
      security: ["adminKey", "bearer"],
      summary: "One account, its sessions and every feature's facts about it",
      description: "Needs `users:read`. Never a hash or a secret: the view is for people.",
      params: UserIdParam,
      responses: { 200: { description: "the account", schema: UserViewSchema } },
      errors: [...ACCESS_ERRORS, errors.user_not_found],
      limited: true,
    }),
    adminAccess("users:read", { stepUp: false }),
    async (c) => {
      const userId = userIdOf(c);
      const services = c.get("services");
      const user = await services.users.findById(userId);
      if (!user) throw authErrors.error("user_not_found");
      const [sessions, ...sections] = await Promise.all([
        listSessions(services.sessionDeps(), userId),
        ...services.accountFacts.map(async (f) => [f.section, await f.factsFor(userId)] as const),
      ]);
      services.audit.record({ type: "account_viewed", userId, details: { by: c.get("actor").id } });
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
    },
  )
  .post(
    "/v1/admin/users/:id/disable",
    describeRoute({
      tag: "admin",
      security: ["adminKey", "bearer"],
      summary: "Disable an account",
      description:
        "Every session ends at once and every sign-in answers `account_disabled`. A feature may refuse first (409 `last_admin`: the last enabled holder of `admin`). Needs `users:disable` and a recent authentication (RFC 9470).",
      params: UserIdParam,
      responses: { 204: { description: "disabled" } },
      errors: CHANGE_ERRORS,
      // A feature's disable guard may refuse: the roles feature keeps an enabled admin.
      errorCodesOfOtherParts: ["last_admin"],
      limited: true,
    }),
    adminAccess("users:disable", { stepUp: true }),
    async (c) => {
      await disableAccount(adminDeps(c), userIdOf(c), c.get("actor").id);
      return c.body(null, 204);
    },
  )
  .post(
    "/v1/admin/users/:id/enable",
    describeRoute({
      tag: "admin",
      security: ["adminKey", "bearer"],
      summary: "Let a disabled account sign in again",
      description:
        "The sessions the disable ended stay ended. Needs `users:disable` and a recent authentication (RFC 9470).",
      params: UserIdParam,
      responses: { 204: { description: "enabled" } },
      errors: CHANGE_ERRORS,
      limited: true,
    }),
    adminAccess("users:disable", { stepUp: true }),
    async (c) => {
      await enableAccount(adminDeps(c), userIdOf(c), c.get("actor").id);
      return c.body(null, 204);
    },
  )
  .post(
    "/v1/admin/users/:id/password-reset",
    describeRoute({
      tag: "admin",
      security: ["adminKey", "bearer"],
      summary: "Require a new password",
      description:
        "Every session and pending link ends; the right password answers `password_reset_required` until the user resets it. Needs `users:reset` and a recent authentication (RFC 9470).",
      params: UserIdParam,
      responses: { 204: { description: "a reset is required" } },
      errors: CHANGE_ERRORS,
      limited: true,
    }),
    adminAccess("users:reset", { stepUp: true }),
    async (c) => {
      await forcePasswordReset(adminDeps(c), userIdOf(c), c.get("actor").id);
      return c.body(null, 204);
    },
  )
  .delete(
    "/v1/admin/users/:id",
    describeRoute({
      tag: "admin",
      security: ["adminKey", "bearer"],
      summary: "Erase an account (GDPR Art. 17)",
      description:
        "The account goes with everything that names it; the audit trail keeps ids and reason codes only. A feature may refuse first (409 `last_admin`: the last holder of `admin`). Needs `users:delete` and a recent authentication (RFC 9470).",
      params: UserIdParam,
      responses: { 204: { description: "erased" } },
      errors: CHANGE_ERRORS,
      // A feature's erasure guard may refuse: the roles feature keeps the last admin.
      errorCodesOfOtherParts: ["last_admin"],
      limited: true,
    }),
    adminAccess("users:delete", { stepUp: true }),
    async (c) => {
      await deleteAccount(adminDeps(c), userIdOf(c), c.get("actor").id);
      return c.body(null, 204);
    },
  );
