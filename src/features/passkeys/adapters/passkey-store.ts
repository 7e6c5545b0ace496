import { sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import { base64url, fromBase64url } from "../../../auth/secrets";
import type { PasskeyRecord, PasskeyStore } from "../ports";

type Row = {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: string | number;
  transports: unknown;
  device_type: string;
  backed_up: boolean;
  name: string;
  created_at: string | Date;
  last_used_at: string | Date | null;
};

const toRecord = (r: Row): PasskeyRecord => ({
  id: r.id,
  userId: r.user_id,
  credentialId: r.credential_id,
  publicKey: fromBase64url(r.public_key),
  counter: Number(r.counter),
  transports: Array.isArray(r.transports) ? (r.transports as string[]) : [],
  deviceType: r.device_type,
  backedUp: r.backed_up,
  name: r.name,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
});

/** Passkeys in Postgres (./schema.ts); each method one statement. */
export function createPostgresPasskeyStore(db: Db): PasskeyStore {
  return {
    async listForUser(userId) {
      const { rows } = await db.execute<Row>(sql`
        select * from passkeys where user_id = ${userId} order by created_at, id`);
      return rows.map(toRecord);
    },

    async hasAny(userId) {
      const { rows } = await db.execute(
        sql`select 1 from passkeys where user_id = ${userId} limit 1`,
      );
      return rows.length > 0;
    },

    async findByCredentialId(credentialId) {
      const { rows } = await db.execute<Row>(sql`
        select * from passkeys where credential_id = ${credentialId}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },

    async insert(p) {
      const { rows } = await db.execute(sql`
        insert into passkeys (id, user_id, credential_id, public_key, counter, transports,
                              device_type, backed_up, name)
        values (${p.id}, ${p.userId}, ${p.credentialId}, ${base64url(p.publicKey)}, ${p.counter},
                ${JSON.stringify(p.transports)}::jsonb, ${p.deviceType}, ${p.backedUp}, ${p.name})
        on conflict (credential_id) do nothing
        returning 1`);
      return rows.length > 0;
    },

    async recordUse(id, counter) {
      // W3C WebAuthn §6.1.1: a counter that does not go up (unless both are 0)
      // may mean a cloned authenticator. Checked and written in one statement,
      // so two assertions racing with one counter value cannot both pass.
      const { rows } = await db.execute(sql`
        update passkeys set counter = ${counter}, last_used_at = now()
        where id = ${id} and (counter < ${counter} or (counter = 0 and ${counter}::bigint = 0))
        returning 1`);
      return rows.length > 0;
    },

    async rename(userId, id, name) {
      const { rows } = await db.execute(sql`
        update passkeys set name = ${name} where id = ${id} and user_id = ${userId} returning 1`);
      return rows.length > 0;
    },

    async remove(userId, id) {
      const { rows } = await db.execute(sql`
        delete from passkeys where id = ${id} and user_id = ${userId} returning 1`);
      return rows.length > 0;
    },
  };
}
