// Lazy migration at login: a legacy or outdated hash that matches is replaced
// by argon2id of the NFKC password through a compare-and-swap, and a password
// change that lands between the check and the swap is never overwritten.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ensureWasm } from "../../scripts/extract-wasm.ts";
import { createArgon2id } from "../../src/adapters/wasm/argon2id-driver";
import { type Argon2id, HashingBusyError } from "../../src/auth/password/argon2id";
import { createPasswordHasher, type PasswordHasher } from "../../src/auth/password/hasher";
import { normalizePassword } from "../../src/auth/password/policy";
import { checkStoredPassword, type PasswordUser } from "../../src/auth/password/stored-password";
import { legacyHashScheme } from "../../src/features/legacy/lazy-migration";
import type { UserRecord, UserStore } from "../../src/ports";
import users from "../fixtures/legacy/users.json";
import { type MemoryUserStore, memoryUserStore } from "./support/memory-user-store";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CURRENT = { memoryKiB: 256, iterations: 2, parallelism: 1 };
let argon2: Argon2id;
let hasher: PasswordHasher;

beforeAll(async () => {
  await ensureWasm(root);
  const load = async (name: string) =>
    new WebAssembly.Module(await readFile(path.join(root, "generated", `${name}.wasm`)));
  argon2 = createArgon2id({ argon2: await load("argon2"), blake2b: await load("blake2b") });
  hasher = createPasswordHasher({ argon2, params: CURRENT, peppers: [] });
});

/** One user row with a faithful compare-and-swap; `beforeSwap` runs inside it, first. */
function oneUserStore(user: UserRecord, beforeSwap?: () => void) {
  const store = memoryUserStore([user]);
  if (beforeSwap) store.beforeSwap = beforeSwap;
  return Object.defineProperty(store, "row", {
    get: () => store.live(user.id),
  }) as MemoryUserStore & {
    readonly row: UserRecord;
  };
}

const userWith = (u: (typeof users)[number]): PasswordUser => ({
  emailVerifiedAt: null,
  id: "u1",
  email: "legacy@example.test",
  passwordHash: u.password_hash.startsWith("bcrypt$") ? u.password_hash.slice(7) : u.password_hash,
  createdAt: new Date(0),
  legacySalt: "password_salt" in u ? (u.password_salt ?? null) : null,
});

const check = (store: UserStore, user: PasswordUser, typed: string, passwords = hasher) =>
  checkStoredPassword(
    { users: store, passwords, foreignHashes: legacyHashScheme },
    user,
    typed,
    normalizePassword(typed),
  );

const bcryptFixture = users.find((u) =>
  u.name.startsWith("python bcrypt $2b$"),
) as (typeof users)[number];
const separateSalt = users.find((u) => "password_salt" in u) as (typeof users)[number];
const fullwidth = users.find((u) => "nfkc" in u) as (typeof users)[number] & { nfkc: string };

describe("a legacy hash that matches", () => {
  it("is replaced by argon2id with the current parameters, in one compare-and-swap", async () => {
    const user = userWith(bcryptFixture);
    const store = oneUserStore(user);
    expect(await check(store, user, bcryptFixture.password)).toBe(true);
    expect(store.swaps).toHaveLength(1);
    expect(store.swaps[0]?.expected).toBe(user.passwordHash);
    expect(store.row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=256,t=2,p=1\$/);
    expect((await hasher.verify(store.row.passwordHash ?? "", bcryptFixture.password)).ok).toBe(
      true,
    );
  });

  it("drops the separately kept salt with it", async () => {
    const user = userWith(separateSalt);
    expect(user.legacySalt).not.toBeNull();
    const store = oneUserStore(user);
    expect(await check(store, user, separateSalt.password)).toBe(true);
    expect(store.row.legacySalt).toBeNull();
  });

  it("is re-hashed from the NFKC form, which every later login verifies", async () => {
    const user = userWith(fullwidth);
    const store = oneUserStore(user);
    // Before: the monolith's rule, the password as typed.
    expect(await check(store, user, fullwidth.nfkc)).toBe(false);
    expect(store.swaps).toHaveLength(0);
    expect(await check(store, user, fullwidth.password)).toBe(true);
    // After: both spellings normalize to the same password.
    const upgraded = { ...store.row } as PasswordUser;
    expect(await check(store, upgraded, fullwidth.password)).toBe(true);
    expect(await check(store, upgraded, fullwidth.nfkc)).toBe(true);
  });

  it("loses to a password change that lands between the check and the swap", async () => {
    const user = userWith(bcryptFixture);
    const changed = await hasher.hash("the owner's brand new password");
    const store = oneUserStore(user, () => {
      store.row.passwordHash = changed; // the concurrent change commits first
    });
    // The login itself succeeds: the password matched the hash it read.
    expect(await check(store, user, bcryptFixture.password)).toBe(true);
    expect(store.swaps).toHaveLength(1);
    expect(store.row.passwordHash).toBe(changed);
  });
});

describe("a legacy hash that does not match, or cannot be read", () => {
  it("is left alone", async () => {
    const user = userWith(bcryptFixture);
    const store = oneUserStore(user);
    expect(await check(store, user, "not the password")).toBe(false);
    expect(store.swaps).toHaveLength(0);
    expect(store.row.passwordHash).toBe(user.passwordHash);
  });

  it.each([
    ["$2x$", `$2x$${bcryptFixture.password_hash.slice(4)}`],
    ["bcrypt cost 31", `$2b$31$${bcryptFixture.password_hash.slice(7)}`],
    ["garbage", "pbkdf2_sha256$$$"],
  ])("fails cleanly for %s and still pays one hash", async (_name, stored) => {
    const user = { ...userWith(bcryptFixture), passwordHash: stored };
    const spy = vi.spyOn(hasher, "dummyVerify");
    expect(await check(oneUserStore(user), user, bcryptFixture.password)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe("our own argon2id hashes", () => {
  it("are upgraded when their parameters are outdated", async () => {
    const older = createPasswordHasher({
      argon2,
      params: { ...CURRENT, iterations: 1 },
      peppers: [],
    });
    const user: PasswordUser = {
      id: "u2",
      email: "a@example.test",
      passwordHash: await older.hash("an argon2 password"),
      createdAt: new Date(0),
      emailVerifiedAt: null,
    };
    const store = oneUserStore(user);
    expect(await check(store, user, "an argon2 password")).toBe(true);
    expect(store.row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=256,t=2,p=1\$/);
  });

  it("are left alone when current", async () => {
    const user: PasswordUser = {
      id: "u3",
      email: "b@example.test",
      passwordHash: await hasher.hash("an argon2 password"),
      createdAt: new Date(0),
      emailVerifiedAt: null,
    };
    const store = oneUserStore(user);
    expect(await check(store, user, "an argon2 password")).toBe(true);
    expect(store.swaps).toHaveLength(0);
  });
});

describe("an upgrade that cannot happen", () => {
  it("does not fail the login (busy hashing queue), and logs no secret", async () => {
    const user = userWith(bcryptFixture);
    const store = oneUserStore(user);
    const busy: PasswordHasher = {
      ...hasher,
      hash: () => Promise.reject(new HashingBusyError(0)),
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await check(store, user, bcryptFixture.password, busy)).toBe(true);
    expect(store.row.passwordHash).toBe(user.passwordHash);
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).toContain("HashingBusyError");
    expect(line).not.toContain(user.passwordHash);
    expect(line).not.toContain(bcryptFixture.password);
    warn.mockRestore();
  });

  it("is skipped by a store without compare-and-swap", async () => {
    const user = userWith(bcryptFixture);
    const { replacePasswordHash: _, ...store } = oneUserStore(user);
    expect(await check(store, user, bcryptFixture.password)).toBe(true);
  });
});
