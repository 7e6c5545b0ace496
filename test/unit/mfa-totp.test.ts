// TOTP as the Worker computes and checks it (src/features/mfa/totp.ts, over
// otpauth): RFC 6238 Appendix B's vectors, codes from an independent
// implementation (Debian's oathtool), the drift rule, and recovery codes.
import { execFileSync } from "node:child_process";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import {
  candidateHashes,
  newRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeHash,
} from "../../src/features/mfa/recovery-codes";
import { openSecret, sealSecret } from "../../src/features/mfa/secret-box";
import { matchedStep, newTotpSecret, stepAt, totpUri } from "../../src/features/mfa/totp";

// RFC 6238 Appendix B: the seeds are ASCII digits, 20/32/64 bytes for SHA-1/256/512.
const SEEDS = {
  SHA1: "12345678901234567890",
  SHA256: "12345678901234567890123456789012",
  SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
};
const VECTORS: Array<[number, string, string, string]> = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

const base32Of = (ascii: string) =>
  new Secret({ buffer: new TextEncoder().encode(ascii).buffer }).base32;

describe("RFC 6238 Appendix B", () => {
  for (const [t, sha1, sha256, sha512] of VECTORS) {
    it(`T=${t}: the library gives the RFC's 8-digit codes for SHA-1, SHA-256 and SHA-512`, () => {
      for (const [algorithm, expected] of [
        ["SHA1", sha1],
        ["SHA256", sha256],
        ["SHA512", sha512],
      ] as const) {
        const secret = Secret.fromBase32(base32Of(SEEDS[algorithm]));
        expect(
          TOTP.generate({ secret, algorithm, digits: 8, period: 30, timestamp: t * 1000 }),
        ).toBe(expected);
      }
    });

    it(`T=${t}: the Worker accepts the 6-digit SHA-1 code (the RFC's last six digits) for that step`, () => {
      const secret = base32Of(SEEDS.SHA1);
      expect(matchedStep(secret, sha1.slice(2), t * 1000)).toBe(stepAt(t * 1000));
    });
  }
});

describe("codes from an independent implementation (oathtool)", () => {
  it("are accepted for their step and the next one, and nowhere else", () => {
    // oathtool is installed by .ci/run (Debian package oathtool); without it this fails.
    const secret = newTotpSecret();
    for (const t of [1_700_000_000, 1_800_000_015, 2_000_000_029]) {
      const code = execFileSync("oathtool", ["--totp", "--base32", secret, "--now", `@${t}`], {
        encoding: "utf8",
      }).trim();
      expect(code).toMatch(/^\d{6}$/);
      const step = Math.floor(t / 30);
      expect(matchedStep(secret, code, t * 1000)).toBe(step);
      // Drift: the previous step's code is still good one step later...
      expect(matchedStep(secret, code, (t + 30) * 1000)).toBe(step);
      // ...but not two steps later, and a code from the future is not.
      expect(matchedStep(secret, code, (t + 60) * 1000)).toBeNull();
      expect(matchedStep(secret, code, (t - 30) * 1000)).toBeNull();
    }
  });
});

describe("secrets", () => {
  it("are 160 bits, base32, and go into an otpauth URI with issuer and account", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, "edge-auth", "ada@example.com"));
    expect(uri.href.startsWith("otpauth://totp/")).toBe(true);
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("edge-auth");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });

  it("are sealed per user: another user's id, a tampered byte or an unknown key opens nothing", async () => {
    const keys = [
      { id: "k2", key: new Uint8Array(32).fill(2) },
      { id: "k1", key: new Uint8Array(32).fill(1) },
    ];
    const sealed = await sealSecret(keys, "user-a", "SECRET234");
    expect(sealed.startsWith("v1.k2.")).toBe(true);
    expect(sealed).not.toContain("SECRET234");
    expect(await openSecret(keys, "user-a", sealed)).toBe("SECRET234");
    expect(await openSecret(keys, "user-b", sealed)).toBeNull();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "B" : "A") + sealed.slice(-1);
    expect(await openSecret(keys, "user-a", tampered)).toBeNull();
    expect(await openSecret([keys[1] as (typeof keys)[number]], "user-a", sealed)).toBeNull();
    // An older key still opens what it sealed (rotation).
    const old = await sealSecret([keys[1] as (typeof keys)[number]], "user-a", "OLD");
    expect(await openSecret(keys, "user-a", old)).toBe("OLD");
  });
});

describe("recovery codes", () => {
  it("carry 120 bits and are hashed under a named key, typed loosely", async () => {
    const codes = Array.from({ length: 50 }, newRecoveryCode);
    expect(new Set(codes).size).toBe(50);
    for (const c of codes) expect(c).toMatch(/^([a-z2-7]{4}-){5}[a-z2-7]{4}$/);
    const code = codes[0] as string;
    const key = { id: "k1", key: new Uint8Array(32).fill(7) };
    const stored = await recoveryCodeHash(key, normalizeRecoveryCode(code) as string);
    expect(stored.startsWith("k1:")).toBe(true);
    expect(await candidateHashes([key], ` ${code.toUpperCase().replaceAll("-", " ")} `)).toEqual([
      stored,
    ]);
    expect(await candidateHashes([key], "not a code")).toEqual([]);
  });
});
