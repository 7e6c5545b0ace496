import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { familyStorageOf } from "../../src/adapters/durable-objects/refresh-family";
import type { FamilyStorage } from "../../src/auth/refresh/family";
import { call, GOOD_PASSWORD, postJson, uniqueEmail } from "./helpers";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

export async function newUser(tag = "sess"): Promise<{ email: string; id: string }> {
  const email = uniqueEmail(tag);
  const res = await postJson("/v1/register", { email, password: GOOD_PASSWORD });
  const { user } = (await res.json()) as { user: { id: string } };
  return { email, id: user.id };
}

export async function login(
  email: string,
  headers: Record<string, string> = {},
): Promise<TokenPair> {
  const res = await postJson("/v1/login", { email, password: GOOD_PASSWORD }, headers);
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return (await res.json()) as TokenPair;
}

export const refresh = (refreshToken: string) =>
  postJson("/v1/token/refresh", { refresh_token: refreshToken });

/** RFC 6749 §5.2: a refused refresh is 400 invalid_grant, with a description. */
export async function expectInvalidGrant(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    error: "invalid_grant",
    error_description: expect.any(String),
  });
}

export const me = (accessToken: string) =>
  call("/v1/me", { headers: { authorization: `Bearer ${accessToken}` } });

export const familyOf = (refreshToken: string) => refreshToken.split(".")[0] as string;

export function familyStub(refreshToken: string) {
  return env.REFRESH_FAMILY.get(env.REFRESH_FAMILY.idFromName(familyOf(refreshToken)));
}

/**
 * Runs SQL inside the family's Durable Object (to inspect storage, or to move
 * its clock). The object remembers its rows (family-storage-cache.ts) and is
 * their only writer in production; a test that rewrites them underneath gives
 * it a fresh memory, as a restart of the object would.
 */
export function familySql<T extends Record<string, SqlStorageValue>>(
  refreshToken: string,
  query: string,
  ...args: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(familyStub(refreshToken), (instance, state) => {
    const rows = state.storage.sql.exec<T>(query, ...args).toArray();
    const object = instance as unknown as { storage?: FamilyStorage };
    // A renamed field would leave the stale memory in place and fail far from here.
    if (!object.storage) throw new Error("RefreshFamily keeps its storage elsewhere now");
    object.storage = familyStorageOf(state.storage);
    return rows;
  });
}
