// The legacy hash parser: what import accepts and stores, what it refuses and
// why, and that login re-parses the stored form to the same thing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLegacyStoredHash, parseLegacyHash } from "../../src/features/legacy/hash-format";
import { importLimits } from "../../src/features/legacy/limits";
import rejected from "../fixtures/legacy/rejected.json";
import users from "../fixtures/legacy/users.json";

// The flow tests' argon2 memory (test/setup/global-setup.ts): the bound is then 64 MiB.
const limits = importLimits(19456);

describe("hashes made by other implementations (test/fixtures/legacy)", () => {
  it.each(users.map((u) => [u.name, u] as const))("accepts %s", (_name, fixture) => {
    const salt = "password_salt" in fixture ? fixture.password_salt : null;
    const parsed = parseLegacyHash(fixture.password_hash, limits, salt);
    if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.detail}`);
    expect(parsed.hash.scheme).toBe(fixture.scheme);
    expect(parsed.separateSalt).toBe(salt);
    expect(isLegacyStoredHash(parsed.stored)).toBe(true);
    // What login reads back parses to the same hash.
    const again = parseLegacyHash(parsed.stored, limits, parsed.separateSalt);
    expect(again).toEqual(parsed);
  });

  it.each(rejected.map((r) => [r.name, r] as const))("rejects %s", (_name, fixture) => {
    const salt = "password_salt" in fixture ? (fixture.password_salt ?? null) : null;
    const parsed = parseLegacyHash(fixture.password_hash, limits, salt);
    expect(parsed).toMatchObject({ ok: false, reason: fixture.reason });
    // The reason is for operators: parameters only, never the hash.
    if (!parsed.ok) {
      for (const part of fixture.password_hash.split("$").filter((p) => p.length >= 16))
        expect(parsed.detail).not.toContain(part);
    }
  });
});

describe("stored forms", () => {
  const bcrypt = users.find((u) => u.name.startsWith("python bcrypt $2b$"))?.password_hash ?? "";
  const cli = users.find((u) => u.password_hash.startsWith("$argon2id$"))?.password_hash ?? "";

  it("stores Django's bcrypt$ without its prefix: it is plain bcrypt", () => {
    expect(parseLegacyHash(`bcrypt$${bcrypt}`, limits)).toMatchObject({ ok: true, stored: bcrypt });
  });

  it("marks an imported argon2id PHC with Django's argon2 prefix, never our own form", () => {
    const parsed = parseLegacyHash(cli, limits);
    expect(parsed).toMatchObject({ ok: true, stored: `argon2${cli}` });
    expect(isLegacyStoredHash(cli)).toBe(false); // a bare PHC string is one of ours
  });

  it("keeps $2y$ (PHP's name for $2b$) as given", () => {
    const y = `$2y$${bcrypt.slice(4)}`;
    expect(parseLegacyHash(y, limits)).toMatchObject({ ok: true, stored: y });
  });
});

describe("work-factor bounds", () => {
  const bcrypt = users.find((u) => u.name.startsWith("python bcrypt $2b$"))?.password_hash ?? "";
  const pbkdf2 = users.find((u) => u.password_hash.startsWith("pbkdf2_sha256$100000$"))
    ?.password_hash as string;
  const withCost = (cost: string) => `${bcrypt.slice(0, 4)}${cost}${bcrypt.slice(6)}`;
  const withIterations = (n: string) => pbkdf2.replace("$100000$", `$${n}$`);

  it("accepts bcrypt cost 4 to 13 and refuses 14 and more", () => {
    expect(parseLegacyHash(withCost("13"), limits).ok).toBe(true);
    expect(parseLegacyHash(withCost("04"), limits).ok).toBe(true);
    expect(parseLegacyHash(withCost("14"), limits)).toMatchObject({
      reason: "work_factor_out_of_bounds",
    });
    expect(parseLegacyHash(withCost("03"), limits)).toMatchObject({ reason: "malformed_hash" });
    expect(parseLegacyHash(withCost("32"), limits)).toMatchObject({ reason: "malformed_hash" });
  });

  it("accepts PBKDF2 up to 2,000,000 iterations and refuses more", () => {
    expect(parseLegacyHash(withIterations("2000000"), limits).ok).toBe(true);
    expect(parseLegacyHash(withIterations("2000001"), limits)).toMatchObject({
      reason: "work_factor_out_of_bounds",
    });
    expect(parseLegacyHash(withIterations("99999999999"), limits)).toMatchObject({
      reason: "malformed_hash",
    });
    expect(parseLegacyHash(withIterations("0100000"), limits)).toMatchObject({
      reason: "malformed_hash",
    });
  });

  it("bounds argon2id memory by the configured cost (at least 64 MiB)", () => {
    const cli = users.find((u) => u.password_hash.includes("m=19456"))?.password_hash as string;
    const big = cli.replace("m=19456", "m=131072");
    expect(parseLegacyHash(big, limits)).toMatchObject({ reason: "work_factor_out_of_bounds" });
    expect(parseLegacyHash(big, importLimits(131072)).ok).toBe(true);
  });
});

describe("malformed input fails cleanly", () => {
  const pbkdf2 = users.find((u) => u.password_hash.startsWith("pbkdf2_sha256$100000$"))
    ?.password_hash as string;
  const bcrypt = users.find((u) => u.name.startsWith("python bcrypt $2b$"))?.password_hash ?? "";

  it.each([
    ["an empty string", ""],
    ["a huge string", `$2b$10$${"a".repeat(10_000)}`],
    ["bcrypt with a foreign character", `${bcrypt.slice(0, -1)}!`],
    // 22 salt characters carry 132 bits for 128; set spare bits cannot verify anywhere.
    ["bcrypt with a non-canonical salt", `${bcrypt.slice(0, 28)}/${bcrypt.slice(29)}`],
    ["pbkdf2 with a short digest", pbkdf2.slice(0, -4)],
    ["pbkdf2 with a non-canonical digest", `${pbkdf2.slice(0, -2)}B=`],
    [
      "pbkdf2 with a control character in the salt",
      pbkdf2.replace(/\$([^$]+)\$([^$]+)$/, "$a\tb$$$2"),
    ],
    ["pbkdf2 with five fields", `${pbkdf2}$x`],
    ["argon2id PHC with bad base64", "$argon2id$v=19$m=19456,t=2,p=1$!!!!$!!!!"],
  ])("rejects %s", (_name, text) => {
    const parsed = parseLegacyHash(text, limits);
    expect(parsed.ok).toBe(false);
  });

  it("rejects a peppered argon2id hash: we do not hold the monolith's pepper", () => {
    const cli = users.find((u) => u.password_hash.startsWith("$argon2id$"))?.password_hash ?? "";
    const peppered = cli.replace(/(p=\d+)\$/, "$1,keyid=k1$");
    expect(parseLegacyHash(peppered, limits)).toMatchObject({ reason: "unsupported_scheme" });
  });

  it("accepts a separate salt only for pbkdf2_sha256 with an empty salt field", () => {
    expect(parseLegacyHash(bcrypt, limits, "salt")).toMatchObject({
      reason: "salt_not_applicable",
    });
    const bare = pbkdf2.replace(/\$[^$]+\$([^$]+)$/, "$$$$$1");
    expect(parseLegacyHash(bare, limits, "a$b")).toMatchObject({ reason: "malformed_hash" });
    expect(parseLegacyHash(bare, limits, "ok-salt")).toMatchObject({
      ok: true,
      separateSalt: "ok-salt",
    });
  });
});

describe("the parser is total", () => {
  it("never throws, and an accepted hash re-parses to itself", () => {
    const prefix = fc.constantFrom(
      "",
      "$2b$10$",
      "$2y$04$",
      "bcrypt$$2a$05$",
      "bcrypt_sha256$$2b$10$",
      "pbkdf2_sha256$1000$",
      "pbkdf2_sha256$1000$salt$",
      "argon2$argon2id$v=19$m=19456,t=2,p=1$",
      "$argon2id$v=19$m=8192,t=1,p=2$",
    );
    fc.assert(
      fc.property(
        prefix,
        fc.string({ maxLength: 120 }),
        fc.option(fc.string()),
        (p, rest, salt) => {
          const parsed = parseLegacyHash(`${p}${rest}`, limits, salt);
          if (parsed.ok)
            expect(parseLegacyHash(parsed.stored, limits, parsed.separateSalt)).toEqual(parsed);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
