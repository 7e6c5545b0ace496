import { sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import type { AssignOutcome, RoleStore } from "../ports";

/** Roles in Postgres (./schema.ts); each method one statement. */
export function createPostgresRoleStore(db: Db): RoleStore {
  return {
    async grantsOf(userId) {
      const { rows } = await db.execute<{ role: string; permissions: unknown }>(sql`
        select r.name as role, r.permissions from user_roles ur join roles r on r.name = ur.role
        where ur.user_id = ${userId} order by r.name`);
      const permissions = new Set<string>();
      for (const r of rows) {
        for (const p of Array.isArray(r.permissions) ? r.permissions : []) {
          if (typeof p === "string") permissions.add(p);
        }
      }
      return { roles: rows.map((r) => r.role), permissions: [...permissions] };
    },

    async listRoles() {
      const { rows } = await db.execute<{
        name: string;
        description: string;
        permissions: unknown;
        built_in: boolean;
      }>(sql`select name, description, permissions, built_in from roles order by name`);
      return rows.map((r) => ({
        name: r.name,
        description: r.description,
        permissions: Array.isArray(r.permissions) ? (r.permissions as string[]) : [],
        builtIn: r.built_in,
      }));
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
          returning 1)
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
          returning 1)
        select exists (select 1 from user_roles where user_id = ${userId} and role = ${role}) as held,
               exists (select 1 from gone) as removed`);
      const row = rows[0];
      if (row?.removed) return "removed";
      return row?.held ? "last_admin" : "not_held";
    },
  };
}
