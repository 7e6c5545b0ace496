// Legacy verification against hashes made by other implementations (Python
// bcrypt, htpasswd, Django's formats via hashlib, the argon2 reference CLI),
// and the edge rules: 72 bytes, NUL, ill-formed strings, PBKDF2 above the
// Workers runtime's WebCrypto cap.
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureWasm } from "../../scripts/extract-wasm.ts";
import { createArgon2id } from "../../src/adapters/wasm/argon2id-driver";
import { createPasswordHasher, type PasswordHasher } from "../../src/auth/password/hasher";
import { type LegacyHash, parseLegacyHash } from "../../src/features/legacy/hash-format";
import { importLimits } from "../../src/features/legacy/limits";
import {
  loopPbkdf2,
  pbkdf2Sha256,
  WEBCRYPTO_MAX_ITERATIONS,
} from "../../src/features/legacy/pbkdf2-sha256";
import { verifyLegacyPassword } from "../../src/features/legacy/verify";
import users from "../fixtures/legacy/users.json";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const limits = importLimits(19456);
let hasher: PasswordHasher;

beforeAll(async () => {
  await ensureWasm(root);
  const load = async (name: string) =>
    new WebAssembly.Module(await readFile(path.join(root, "generated", `${name}.wasm`)));
  const argon2 = createArgon2id({ argon2: await load("argon2"), blake2b: await load("blake2b") });
  hasher = createPasswordHasher({
    argon2,
    params: { memoryKiB: 19456, iterations: 2, parallelism: 1 },
    peppers: [],
  });
});

function parsed(text: string, salt: string | null = null): LegacyHash {
  const result = parseLegacyHash(text, limits, salt);
  if (!result.ok) throw new Error(result.reason);
  return result.hash;
}

const fixtureHash = (u: (typeof users)[number]) =>
  parsed(u.password_hash, "password_salt" in u ? (u.password_salt ?? null) : null);

/** Django's PBKDF2PasswordHasher.encode, via Node's OpenSSL. */
const djangoPbkdf2 = (password: string, iterations: number, salt = "DjangoSalt12") =>
  `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, "sha256").toString("base64")}`;

describe("fixtures from other implementations", () => {
  it.each(users.map((u) => [u.name, u] as const))(
    "%s: the password verifies, as do the variants the monolith accepted",
    async (_name, u) => {
      const hash = fixtureHash(u);
      expect(await verifyLegacyPassword(hash, u.password, hasher)).toBe(true);
      for (const variant of u.also_accepts ?? [])
        expect(await verifyLegacyPassword(hash, variant, hasher)).toBe(true);
    },
  );

  it.each(users.map((u) => [u.name, u] as const))(
    "%s: wrong passwords and the variants the monolith refused do not",
    async (_name, u) => {
      const hash = fixtureHash(u);
      expect(await verifyLegacyPassword(hash, `!${u.password}`, hasher)).toBe(false);
      for (const variant of u.rejects ?? [])
        expect(await verifyLegacyPassword(hash, variant, hasher)).toBe(false);
    },
  );
});

describe("exactly as the monolith, minus NUL", () => {
  const long = users.find((u) => u.name.includes("72-byte")) as (typeof users)[number];

  it("does not normalize: the NFKC form of a non-NFKC password is another password", async () => {
    const fullwidth = users.find((u) => "nfkc" in u) as (typeof users)[number] & { nfkc: string };
    const hash = fixtureHash(fullwidth);
    expect(fullwidth.password).not.toBe(fullwidth.nfkc);
    expect(await verifyLegacyPassword(hash, fullwidth.password, hasher)).toBe(true);
    expect(await verifyLegacyPassword(hash, fullwidth.nfkc, hasher)).toBe(false);
  });

  it("refuses a NUL even where bcrypt would ignore it (after byte 72)", async () => {
    // Regression guard: bcrypt reads 72 bytes, so without the refusal this verifies.
    const hash = fixtureHash(long);
    expect(await verifyLegacyPassword(hash, `${long.password}\u0000`, hasher)).toBe(false);
  });

  it("refuses a NUL for PBKDF2 too, where the monolith would have accepted it", async () => {
    const hash = parsed(djangoPbkdf2("pass\u0000word", 1000));
    expect(await verifyLegacyPassword(hash, "pass\u0000word", hasher)).toBe(false);
    expect(
      await verifyLegacyPassword(parsed(djangoPbkdf2("password", 1000)), "password", hasher),
    ).toBe(true);
  });

  it("refuses an ill-formed string that UTF-8 encoding would turn into U+FFFD", async () => {
    const hash = parsed(djangoPbkdf2("a\uFFFD", 1000));
    expect(await verifyLegacyPassword(hash, "a\uFFFD", hasher)).toBe(true);
    expect(await verifyLegacyPassword(hash, "a\uD800", hasher)).toBe(false);
  });

  it("treats a hash that bcrypt cannot read as a non-match, without throwing", async () => {
    const broken: LegacyHash = { scheme: "bcrypt", bcrypt: "$2b$10$tooshort", cost: 10 };
    await expect(verifyLegacyPassword(broken, "x", hasher)).resolves.toBe(false);
  });
});

describe("PBKDF2-HMAC-SHA-256 above the WebCrypto cap", () => {
  const enc = new TextEncoder();

  it("is OpenSSL's PBKDF2 for random inputs, short and long keys", async () => {
    for (let i = 0; i < 40; i++) {
      const password = new Uint8Array(randomBytes(i % 3 === 0 ? 65 + i : i));
      const salt = new Uint8Array(randomBytes(i % 20));
      const iterations = 1 + ((i * 97) % 700);
      const expected = pbkdf2Sync(password, salt, iterations, 32, "sha256");
      expect(Buffer.from(await loopPbkdf2(password, salt, iterations))).toEqual(expected);
    }
  });

  it("switches to the JavaScript loop just above the cap, with the same result", async () => {
    const password = enc.encode("pässword");
    const salt = enc.encode("salt");
    const above = WEBCRYPTO_MAX_ITERATIONS + 1;
    expect(Buffer.from(await pbkdf2Sha256(password, salt, above))).toEqual(
      pbkdf2Sync(password, salt, above, 32, "sha256"),
    );
    expect(Buffer.from(await pbkdf2Sha256(password, salt, 1000))).toEqual(
      Buffer.from(await loopPbkdf2(password, salt, 1000)),
    );
  });

  it("refuses a non-positive iteration count", async () => {
    await expect(pbkdf2Sha256(enc.encode("p"), enc.encode("s"), 0)).rejects.toThrow(RangeError);
  });
});

// Regression: the hasher recomputed every stored hash with a 32-byte tag, so a
// 16- or 64-byte tag (argon2-cffi's default, `argon2 -l 16`) could never match.
describe("the hasher verifies argon2id tags of every accepted length", () => {
  const byTag = (bytes: number) =>
    users.filter((u) => {
      const tag = u.password_hash.split("$").at(-1) ?? "";
      return u.password_hash.includes("$argon2id$") && Math.floor((tag.length * 3) / 4) === bytes;
    });

  it.each([16, 32, 64])(
    "%i-byte tags verify, and are marked for rehashing unless 32",
    async (n) => {
      const fixtures = byTag(n);
      expect(fixtures.length).toBeGreaterThan(0);
      for (const u of fixtures) {
        const bare = u.password_hash.replace(/^argon2\$/, "$");
        const result = await hasher.verify(bare, u.password);
        expect(result.ok).toBe(true);
        if (n !== 32) expect(result.needsRehash).toBe(true); // upgraded at the next good login
        expect((await hasher.verify(bare, `${u.password}!`)).ok).toBe(false);
      }
    },
  );
});
