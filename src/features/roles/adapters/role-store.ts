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
      // Every admin holder is locked (in a fixed order) before the count, and
      // the count is of the rows as locked: the second of two concurrent
      // removals sees the first's row gone and keeps its own.
      const { rows } = await db.execute<{ held: boolean; removed: boolean }>(sql`
        with admins as (
          select user_id from user_roles where role = 'admin' order by user_id for update),
        allowed as (
          select ${role} <> 'admin' or (select count(*) from admins where user_id <> ${userId}) > 0 as ok),
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
  };
}

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
