import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import type { AssignOutcome, RoleRecord, RoleStore } from "../ports";

/**
 * The user's roles version goes up by one in the statement that changed the
 * roles (`changed` names its CTE, one row when it did): never apart from it.
 */
const bumpVersion = (userId: string, changed: SQL) => sql`
  insert into role_versions (user_id, version)
  select ${userId}, 1 from ${changed}
  on conflict (user_id) do update set version = role_versions.version + 1
  returning 1`;

/** Roles in Postgres (./schema.ts); each method one statement. */
export function createPostgresRoleStore(db: Db): RoleStore {
  return {
    async grantsOf(userId) {
      // One row at least (the version), then one per role held.
      const { rows } = await db.execute<{
        version: string | number;
        role: string | null;
        permissions: unknown;
      }>(sql`
        select v.version, r.name as role, r.permissions
        from (select coalesce((select version from role_versions where user_id = ${userId}), 0)
              as version) v
        left join user_roles ur on ur.user_id = ${userId}
        left join roles r on r.name = ur.role
        order by r.name`);
      const permissions = new Set<string>();
      const held: string[] = [];
      for (const r of rows) {
        if (r.role === null) continue;
        held.push(r.role);
        for (const p of Array.isArray(r.permissions) ? r.permissions : []) {
          if (typeof p === "string") permissions.add(p);
        }
      }
      return { roles: held, permissions: [...permissions], version: Number(rows[0]?.version ?? 0) };
    },

    async listRoles() {
      const { rows } = await db.execute<RoleRow>(
        sql`select ${ROLE_COLUMNS} from roles order by name`,
      );
      return rows.map(roleOf);
    },

    async role(name) {
      const { rows } = await db.execute<RoleRow>(
        sql`select ${ROLE_COLUMNS} from roles where name = ${name}`,
      );
      const [row] = rows;
      return row ? roleOf(row) : null;
    },

    async createRole(role) {
      const { rows } = await db.execute(sql`
        insert into roles (name, description, permissions)
        values (${role.name}, ${role.description}, ${JSON.stringify(role.permissions)}::jsonb)
        on conflict (name) do nothing returning 1`);
      return rows.length > 0;
    },

    async assign(userId, role, grantedBy, maxRoles) {
      // The user's row is locked so two concurrent grants cannot both pass the
      // count; the answer says which condition failed.
      const { rows } = await db.execute<{ outcome: AssignOutcome }>(sql`
        with target as (select id from users where id = ${userId} for update),
        known as (select name from roles where name = ${role}),
        held as (select count(*)::int as n from user_roles where user_id = ${userId}),
        inserted as (
          insert into user_roles (user_id, role, granted_by)
          select t.id, k.name, ${grantedBy} from target t, known k, held h where h.n < ${maxRoles}
          on conflict do nothing
          returning 1),
        bumped as (${bumpVersion(userId, sql`inserted`)})
        select case
          when not exists (select 1 from target) then 'unknown_user'
          when not exists (select 1 from known) then 'unknown_role'
          when exists (select 1 from inserted) then 'assigned'
          when exists (select 1 from user_roles where user_id = ${userId} and role = ${role}) then 'already'
          else 'too_many' end as outcome`);
      return rows[0]?.outcome ?? "unknown_user";
    },

    async remove(userId, role) {
      // Every admin holder's role row and account row are locked (in a fixed
      // order) before the count, and the count is of the rows as locked: the
      // second of two concurrent changes sees the first's role row gone, or
      // its account disabled, and keeps its own.
      const { rows } = await db.execute<{ held: boolean; removed: boolean }>(sql`
        with admins as (${lockedAdmins}),
        allowed as (
          select ${role} <> 'admin'
            or exists (select 1 from admins where user_id <> ${userId} and disabled_at is null) as ok),
        gone as (
          delete from user_roles
          where user_id = ${userId} and role = ${role} and (select ok from allowed)
          returning 1),
        bumped as (${bumpVersion(userId, sql`gone`)})
        select exists (select 1 from user_roles where user_id = ${userId} and role = ${role}) as held,
               exists (select 1 from gone) as removed`);
      const row = rows[0];
      if (row?.removed) return "removed";
      return row?.held ? "last_admin" : "not_held";
    },

    async disableUnlessLastAdmin(userId) {
      // The same locks as remove(), then the account is marked in the same
      // statement: two admins disabling each other at once leave one. An
      // account already disabled keeps its time; the core's mark after this
      // keeps it too and moves the credential epoch (UserDirectory.setDisabled).
      const { rows } = await db.execute<{ admin: boolean; marked: boolean }>(sql`
        with admins as (${lockedAdmins}),
        target as (select disabled_at from admins where user_id = ${userId}),
        allowed as (
          select exists (select 1 from target where disabled_at is not null)
            or exists (select 1 from admins where user_id <> ${userId} and disabled_at is null) as ok),
        marked as (
          update users set disabled_at = coalesce(disabled_at, now())
          where id = ${userId} and exists (select 1 from target) and (select ok from allowed)
          returning 1)
        select exists (select 1 from target) as admin, exists (select 1 from marked) as marked`);
      const row = rows[0];
      if (!row?.admin) return "not_admin";
      return row.marked ? "disabled" : "last_admin";
    },
  };
}

/**
 * Every holder of `admin` with its account's disabled_at, both rows locked in
 * user id order: a statement that must keep one enabled admin counts these
 * rows as they are once locked (Postgres re-reads a locked row that another
 * transaction changed or deleted), and every such statement takes the same
 * locks in the same order, so two never deadlock.
 */
const lockedAdmins = sql`
  select r.user_id, u.disabled_at from user_roles r join users u on u.id = r.user_id
  where r.role = 'admin' order by r.user_id for update of r, u`;

const ROLE_COLUMNS = sql.raw("name, description, permissions, built_in");

type RoleRow = {
  name: string;
  description: string;
  permissions: unknown;
  built_in: boolean;
};

function roleOf(r: RoleRow): RoleRecord {
  return {
    name: r.name,
    description: r.description,
    permissions: Array.isArray(r.permissions) ? (r.permissions as string[]) : [],
    builtIn: r.built_in,
  };
}
