// Structural proof that login does not reveal whether an account exists by
// timing: an unknown email runs exactly one argon2id computation with the same
// parameters as a real verification. The timing itself is measured in bench/.
import { describe, expect, it } from "vitest";
import { type AccountDeps, register } from "../../src/auth/accounts";
import type { Argon2id, Argon2idInput } from "../../src/auth/password/argon2id";
import { createPasswordHasher } from "../../src/auth/password/hasher";
import { passwordLogin } from "../../src/auth/password-check";
import { type MemoryUserStore, memoryUserStore } from "./support/memory-user-store";
import { SOURCE, throttleFakes } from "./support/throttle-fakes";

/** A login through the real password check, with a throttle that lets everything through. */
const authenticate = (deps: AccountDeps, input: { email: string; password: string }) =>
  passwordLogin({ ...deps, ...throttleFakes().deps }, input, SOURCE);

function recordingArgon2(): Argon2id & { calls: Argon2idInput[] } {
  const calls: Argon2idInput[] = [];
  return {
    calls,
    memoryBytes: () => 0,
    async hash(input) {
      calls.push(input);
      // A deterministic stand-in for the tag: enough for equality checks.
      const out = new Uint8Array(input.hashLength);
      const mix = [...input.password, ...input.salt, ...(input.secret ?? [])];
      mix.forEach((b, i) => {
        out[i % out.length] = ((out[i % out.length] as number) * 31 + b) & 0xff;
      });
      return out;
    },
  };
}

function setup() {
  const argon2 = recordingArgon2();
  const params = { memoryKiB: 65536, iterations: 3, parallelism: 4 };
  const peppers = [{ id: "p1", key: new Uint8Array(32).fill(7) }];
  const deps: AccountDeps = {
    users: memoryUserStore(),
    passwords: createPasswordHasher({ argon2, params, peppers }),
    minPasswordLength: 15,
  };
  return { argon2, deps };
}

const shape = (c: Argon2idInput) => ({
  memoryKiB: c.memoryKiB,
  iterations: c.iterations,
  parallelism: c.parallelism,
  hashLength: c.hashLength,
  saltLength: c.salt.length,
  hasSecret: c.secret !== undefined,
});

describe("login for an unknown email", () => {
  it("runs one hash of the same cost as a wrong password for a real account", async () => {
    const { argon2, deps } = setup();
    await register(deps, { email: "real@example.test", password: "a real long password" });
    argon2.calls.length = 0;

    await expect(
      authenticate(deps, { email: "real@example.test", password: "wrong password!!" }),
    ).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    const known = argon2.calls.splice(0);
    await expect(
      authenticate(deps, { email: "ghost@example.test", password: "wrong password!!" }),
    ).rejects.toMatchObject({
      code: "invalid_credentials",
      status: 401,
    });
    const unknown = argon2.calls.splice(0);

    expect(known).toHaveLength(1);
    expect(unknown).toHaveLength(1);
    expect(shape(unknown[0] as Argon2idInput)).toEqual(shape(known[0] as Argon2idInput));
    expect(shape(known[0] as Argon2idInput)).toEqual({
      memoryKiB: 65536,
      iterations: 3,
      parallelism: 4,
      hashLength: 32,
      saltLength: 16,
      hasSecret: true,
    });
  });

  it("an account without a password (social login only) answers the same, at the same cost", async () => {
    const { argon2, deps } = setup();
    await register(deps, { email: "real@example.test", password: "a real long password" });
    (deps.users as MemoryUserStore).put({
      id: "social-only",
      email: "social@example.test",
      passwordHash: null,
      createdAt: new Date(0),
      emailVerifiedAt: new Date(0),
    });
    argon2.calls.length = 0;
    const wrong = await authenticate(deps, {
      email: "real@example.test",
      password: "wrong password!!",
    }).catch((e: unknown) => e);
    const known = argon2.calls.splice(0);
    const passwordless = await authenticate(deps, {
      email: "social@example.test",
      password: "wrong password!!",
    }).catch((e: unknown) => e);
    const none = argon2.calls.splice(0);
    expect(passwordless).toMatchObject({ code: "invalid_credentials", status: 401 });
    expect({ ...(passwordless as Error), message: (passwordless as Error).message }).toEqual({
      ...(wrong as Error),
      message: (wrong as Error).message,
    });
    expect(none).toHaveLength(1);
    expect(shape(none[0] as Argon2idInput)).toEqual(shape(known[0] as Argon2idInput));
  });

  it("throws the same error object shape for both cases", async () => {
    const { deps } = setup();
    await register(deps, { email: "real@example.test", password: "a real long password" });
    const a = await authenticate(deps, {
      email: "real@example.test",
      password: "nope nope nope!",
    }).catch((e: unknown) => e);
    const b = await authenticate(deps, {
      email: "ghost@example.test",
      password: "nope nope nope!",
    }).catch((e: unknown) => e);
    expect({ ...(a as Error), message: (a as Error).message }).toEqual({
      ...(b as Error),
      message: (b as Error).message,
    });
  });
});

describe("password hasher", () => {
  it("verifies what it hashed, rejects anything else, and flags old parameters", async () => {
    const { deps, argon2 } = setup();
    const phc = await deps.passwords.hash("a real long password");
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4,keyid=p1\$/);
    expect(await deps.passwords.verify(phc, "a real long password")).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect(await deps.passwords.verify(phc, "a real long passwore")).toEqual({
      ok: false,
      needsRehash: false,
    });
    const older = createPasswordHasher({
      argon2,
      params: { memoryKiB: 19456, iterations: 2, parallelism: 1 },
      peppers: [],
    });
    const oldPhc = await older.hash("a real long password");
    expect(await deps.passwords.verify(oldPhc, "a real long password")).toEqual({
      ok: true,
      needsRehash: true,
    });
  });

  it("never verifies a hash made with a pepper it no longer holds", async () => {
    const { deps, argon2 } = setup();
    const other = createPasswordHasher({
      argon2,
      params: { memoryKiB: 65536, iterations: 3, parallelism: 4 },
      peppers: [{ id: "gone", key: new Uint8Array(32).fill(1) }],
    });
    const phc = await other.hash("a real long password");
    expect((await deps.passwords.verify(phc, "a real long password")).ok).toBe(false);
  });

  it("refuses stored hashes that ask for more memory than configured, without hashing", async () => {
    const { deps, argon2 } = setup();
    const salt = "AAAAAAAAAAAAAAAAAAAAAA";
    const hash = "A".repeat(43);
    argon2.calls.length = 0;
    const res = await deps.passwords.verify(
      `$argon2id$v=19$m=4194304,t=3,p=4$${salt}$${hash}`,
      "x",
    );
    expect(res.ok).toBe(false);
    expect(argon2.calls).toHaveLength(0);
  });
});
