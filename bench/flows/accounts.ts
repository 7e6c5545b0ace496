// Accounts for the sign-in flows, made in bulk. One is registered through the
// prep worker (bench/workers.ts), so its password hash has the prep worker's
// cheap argon2id parameters; the rest are copies of its users row under new
// addresses, which is all a registration writes besides its audit event. Each
// signs in with PASSWORD on the prep worker in a few milliseconds.
import pg from "pg";
import { register, uniqueEmail } from "../api.ts";
import { PREP_IP } from "../plan.ts";

/** Headers of every preparation request (its own client IP, see PREP_IP). */
export const prepHeaders: Record<string, string> = { "cf-connecting-ip": PREP_IP };

export interface Account {
  id: string;
  email: string;
}

/** One connection to the stack's database for the duration of `run`. */
export async function withDatabase<T>(url: string, run: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

/** `n` accounts whose password is PASSWORD at the prep worker's argon2id cost. */
export async function bulkAccounts(
  prep: string,
  db: pg.Client,
  label: string,
  n: number,
): Promise<Account[]> {
  const template = uniqueEmail(label);
  await register(prep, template, prepHeaders);
  const { rows } = await db.query<Account>(
    `insert into users (id, email, password_hash)
     select gen_random_uuid(), $1 || '-' || g || '@example.test', t.password_hash
     from users t, generate_series(1, $2::int) g
     where lower(t.email) = lower($3)
     returning id::text, email`,
    [template.replace(/@.*$/, ""), n, template],
  );
  if (rows.length !== n) throw new Error(`${label}: made ${rows.length} accounts of ${n}`);
  return rows;
}

/** `fn` over `items`, at most `concurrency` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}
