import { env } from "cloudflare:workers";
import { base64url, exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { PublicProtocol } from "paseto";
import {
  PublicKeyFromCryptoKey,
  SecretKeyFromCryptoKey,
  SignFactory,
  VerifyFactory,
} from "paseto/v4/public";
import { beforeAll, describe, expect, it } from "vitest";
import { buildClaims, CLOCK_SKEW_SECONDS, type VerifyResult } from "../../src/auth/tokens/claims";
import { signJwt, verifyJwt } from "../../src/auth/tokens/jwt";
import { k4Pid, k4Public } from "../../src/auth/tokens/paserk";
import {
  paserkPublic,
  signPaseto,
  signV4Public,
  verifyPaseto,
  verifyV4Public,
} from "../../src/auth/tokens/paseto";
import { parseSigningKeys } from "../../src/auth/tokens/signing-jwk";
import { loadSigningKeys, type SigningKeySet } from "../../src/auth/tokens/signing-keys";
// Official vectors (paseto-standard/test-vectors), copied into test/fixtures/paseto/.
import vectors from "../fixtures/paseto/v4.json";

interface Vector {
  name: string;
  "expect-fail": boolean;
  "public-key"?: string;
  "secret-key-seed"?: string;
  token: string;
  payload: string | null;
  footer: string;
  "implicit-assertion": string;
}

const all = vectors.tests as Vector[];
const signed = all.filter((v) => v.name.startsWith("4-S-"));
const rejected = all.filter((v) => v["expect-fail"] || v.name.startsWith("4-E-"));
const vectorKeys = signed[0] as Vector & { "public-key": string; "secret-key-seed": string };

const hex = (s: string) => new Uint8Array(s.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? []);
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const importPublic = (raw: string) =>
  crypto.subtle.importKey("raw", hex(raw), "Ed25519", true, ["verify"]);
const importSecret = (v: typeof vectorKeys) =>
  crypto.subtle.importKey(
    "jwk",
    {
      kty: "OKP",
      crv: "Ed25519",
      d: base64url.encode(hex(v["secret-key-seed"])),
      x: base64url.encode(hex(v["public-key"])),
    },
    "Ed25519",
    true,
    ["sign"],
  );

/** Another spelling of a base64url segment that decodes to the same bytes, if any. */
function nonCanonical(segment: string): string | undefined {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const loose = (s: string) => atob(s.replaceAll("-", "+").replaceAll("_", "/"));
  return [...alphabet]
    .map((c) => segment.slice(0, -1) + c)
    .find((s) => s !== segment && loose(s) === loose(segment));
}

describe("official PASETO v4 vectors", () => {
  it.each(signed.map((v) => [v.name, v] as const))("%s verifies to its payload", async (_, v) => {
    const key = await importPublic(v["public-key"] as string);
    const implicit = v["implicit-assertion"];
    const payload = await verifyV4Public(key, v.token, { footer: v.footer, implicit });
    expect(payload && text(payload)).toBe(v.payload);
    // The footer and the implicit assertion are both authenticated.
    expect(await verifyV4Public(key, v.token, { footer: `${v.footer} `, implicit })).toBeNull();
    expect(await verifyV4Public(key, v.token, { footer: v.footer, implicit: "x" })).toBeNull();
  });

  it.each(signed.map((v) => [v.name, v] as const))("%s is reproduced by signing", async (_, v) => {
    const key = await importSecret(v as typeof vectorKeys);
    const opts = { footer: v.footer, implicit: v["implicit-assertion"] };
    expect(await signV4Public(key, utf8(v.payload as string), opts)).toBe(v.token);
  });

  it.each(rejected.map((v) => [v.name, v] as const))("%s is rejected", async (_, v) => {
    const key = await importPublic(vectorKeys["public-key"]);
    const opts = { footer: v.footer, implicit: v["implicit-assertion"] };
    expect(await verifyV4Public(key, v.token, opts)).toBeNull();
    expect(await verifyV4Public(key, v.token)).toBeNull();
  });

  it("rejects padded, non-canonical, re-labelled and footer-stripped v4.public tokens", async () => {
    const key = await importPublic(vectorKeys["public-key"]);
    const [one, two] = signed as [Vector, Vector];
    const [body, footer] = [two.token.slice(0, two.token.lastIndexOf(".")), two.footer];
    const odd = nonCanonical(one.token.slice("v4.public.".length));
    expect(odd).toBeDefined();
    for (const token of [
      `${one.token}=`,
      `${one.token}==`,
      `v4.public.${odd}`,
      one.token.replace("v4.public.", "v3.public."),
      one.token.replace("v4.public.", "v4.local."),
      one.token.replace("v4.public.", "V4.public."),
      `${one.token}.`,
      body, // 4-S-2 without its (authenticated) footer
    ]) {
      expect(await verifyV4Public(key, token), token).toBeNull();
    }
    // Controls: the untouched tokens verify.
    expect(await verifyV4Public(key, one.token)).not.toBeNull();
    expect(await verifyV4Public(key, two.token, { footer })).not.toBeNull();
  });
});

describe("PASERK", () => {
  // paseto-standard/test-vectors PASERK/k4.public.json and k4.pid.json.
  it.each([
    [
      "0000000000000000000000000000000000000000000000000000000000000000",
      "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "k4.pid.S_XQmeEwHbbvRmiyfXfHYpLGjXGzjTRSDoT1YtTakWFE",
    ],
    [
      "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f",
      "k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8",
      "k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs",
    ],
    [
      "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e90",
      "k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjpA",
      "k4.pid.-nyvbaTz8U6TQz7OZWW-iB3va31iAxIpUgzUcVQVmW9A",
    ],
  ])("k4.public and k4.pid of %s", (raw, paserk, pid) => {
    expect(k4Public(hex(raw))).toBe(paserk);
    expect(k4Pid(paserk)).toBe(pid);
  });

  it("publishes the service key once per key (cached)", async () => {
    const keys = await serviceKeys();
    const jwk = keys.current.publicJwk;
    const published = await paserkPublic(keys.current);
    expect(published.paserk).toBe(`k4.public.${jwk.x}`);
    expect(published.kid).toBe(k4Pid(published.paserk));
    expect(await paserkPublic(keys.current)).toBe(published);
  });
});

// --- Access tokens with the service's own keys -------------------------------

const T = Date.UTC(2026, 10, 22, 12, 0, 0); // frozen clock
const NOW = T / 1000;
const clock = { now: () => T };
const settings = {
  issuer: env.ISSUER,
  audience: env.AUDIENCE,
  ttlSeconds: Number(env.ACCESS_TOKEN_TTL_SECONDS),
};
const claims = buildClaims({ ...settings, clientId: "first-party" }, clock, {
  userId: crypto.randomUUID(),
  sessionId: crypto.randomUUID(),
  claims: { email_verified: false },
});
// Both formats accept a token at most ttl + skew after its iat.
const OLDEST = settings.ttlSeconds + CLOCK_SKEW_SECONDS;
const SKEW = CLOCK_SKEW_SECONDS;
const serviceKeys = () => loadSigningKeys(parseSigningKeys(env.SIGNING_KEYS));
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");

let keys: SigningKeySet;
let footer: string;
let foreign: CryptoKeyPair;
let foreignFooter: string;

beforeAll(async () => {
  keys = await serviceKeys();
  footer = JSON.stringify({ kid: (await paserkPublic(keys.current)).kid });
  foreign = (await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array(
    (await crypto.subtle.exportKey("raw", foreign.publicKey)) as ArrayBuffer,
  );
  foreignFooter = JSON.stringify({ kid: k4Pid(k4Public(raw)) });
});

const verify = (token: string) => verifyPaseto(keys, settings, clock, token);

type Overrides = Record<string, unknown>;
/** The claims as numbers, with some replaced (undefined removes one). */
const numeric = (o: Overrides): Overrides =>
  Object.fromEntries(
    Object.entries({ ...claims, ...o }).filter(([, v]) => v !== undefined),
  ) as Overrides;

/** Signs a PASETO with our key (unless told otherwise), so only the named part is wrong. */
function forge(
  o: Overrides = {},
  opts: { footer?: string; key?: CryptoKey; implicit?: string; raw?: string } = {},
): Promise<string> {
  const p = numeric(o);
  for (const c of ["iat", "exp", "nbf"]) if (typeof p[c] === "number") p[c] = iso(p[c] as number);
  return signV4Public(opts.key ?? keys.current.privateKey, utf8(opts.raw ?? JSON.stringify(p)), {
    footer: opts.footer ?? footer,
    implicit: opts.implicit,
  });
}

/** The same claims as a JWT, verified by verifyJwt: the reference behaviour. */
async function jwtResult(o: Overrides): Promise<VerifyResult> {
  const jwt = await new SignJWT(numeric(o))
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: keys.current.kid })
    .sign(keys.current.privateKey);
  return verifyJwt(keys, settings, clock, jwt);
}

describe("signPaseto / verifyPaseto", () => {
  it("round-trips the claims exactly, with ISO dates and a k4.pid footer on the wire", async () => {
    const token = await signPaseto(keys, claims);
    const result = await verify(token);
    expect(result).toStrictEqual({ ok: true, claims });
    expect(result).toStrictEqual(
      await verifyJwt(keys, settings, clock, await signJwt(keys, claims)),
    );

    const [, , body, foot] = token.split(".") as [string, string, string, string];
    expect(token.startsWith("v4.public.")).toBe(true);
    expect(text(base64url.decode(foot))).toBe(footer);
    expect(footer).toMatch(/^\{"kid":"k4\.pid\.[\w-]{44}"\}$/);
    const payload = JSON.parse(text(base64url.decode(body).subarray(0, -64)));
    expect(payload).toEqual({ ...claims, iat: iso(claims.iat), exp: iso(claims.exp) });
    expect(payload.iat).toBe("2026-11-22T12:00:00Z");
  });

  it("interoperates with the paseto package (4.0.1) inside workerd, both ways", async () => {
    const v4 = new PublicProtocol(SignFactory, VerifyFactory);
    const ours = await signPaseto(keys, claims);
    const theirs = await v4.Verify(await PublicKeyFromCryptoKey(keys.current.publicKey), ours, {
      footer: utf8(footer),
      now: new Date(T),
      issuer: settings.issuer,
      audience: settings.audience,
    });
    expect(theirs.claims).toEqual({ ...claims, iat: iso(claims.iat), exp: iso(claims.exp) });

    // The service's own key is not extractable; the reference library needs the bytes.
    const currentJwk = parseSigningKeys(env.SIGNING_KEYS).find((k) => k.kid === keys.current.kid);
    const exportable = await importJWK({ ...currentJwk, alg: "EdDSA" }, "EdDSA", {
      extractable: true,
    });
    const token = await v4.Sign(
      await SecretKeyFromCryptoKey(exportable as CryptoKey),
      { ...claims, iat: iso(claims.iat), exp: iso(claims.exp) },
      { footer: utf8(footer), addIssuedAt: false },
    );
    expect(await verify(token)).toStrictEqual({ ok: true, claims });
  });

  it("follows a key rotation: the footer kid picks the key, never the current one by default", async () => {
    const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
    // The new key signs; the old ones stay verifiable (explicit statuses, first key current).
    const next = { ...(await exportJWK(privateKey)), kid: "next", status: "current" };
    const old = (JSON.parse(env.SIGNING_KEYS) as { keys: object[] }).keys.map((k) => ({
      ...k,
      status: "retired",
    }));
    const rotated = await loadSigningKeys(
      parseSigningKeys(JSON.stringify({ keys: [next, ...old] })),
    );
    const fromOld = await signPaseto(keys, claims);
    const fromNext = await signPaseto(rotated, claims);
    expect(await verifyPaseto(rotated, settings, clock, fromOld)).toMatchObject({ ok: true });
    expect(await verifyPaseto(rotated, settings, clock, fromNext)).toMatchObject({ ok: true });
    expect(await verify(fromNext)).toEqual({ ok: false, reason: "invalid_signature" });
  });

  // Claim checks: each case is also signed as a JWT, and verifyJwt must agree,
  // so "the same checks" is tested rather than assumed.
  const claimCases: Array<[string, Overrides, VerifyResult["ok"] | string]> = [
    ["a control: correct claims", {}, true],
    ["a wrong issuer", { iss: "https://evil.example" }, "invalid_claims"],
    ["a wrong audience", { aud: "another-service" }, "invalid_claims"],
    ["an expired token (exp alone decides)", { iat: NOW - 600, exp: NOW - SKEW }, "expired"],
    ["a control: expired within the skew", { iat: NOW - 600, exp: NOW - SKEW + 1 }, true],
    ["nbf in the future", { nbf: NOW + SKEW + 1 }, "invalid_claims"],
    ["a control: nbf within the skew", { nbf: NOW + SKEW }, true],
    ["a token over the maximum age", { iat: NOW - OLDEST - 1, exp: NOW + 600 }, "expired"],
    ["a control: at the maximum age", { iat: NOW - OLDEST, exp: NOW + 600 }, true],
    ["iat in the future", { iat: NOW + SKEW + 1, exp: NOW + 900 }, "invalid_claims"],
    ["a control: iat in the future within the skew", { iat: NOW + SKEW, exp: NOW + 900 }, true],
    ["a missing jti", { jti: undefined }, "invalid_claims"],
    ["a missing sid", { sid: undefined }, "invalid_claims"],
    ["a missing exp", { exp: undefined }, "invalid_claims"],
    ["a numeric client_id", { client_id: 7 }, "invalid_claims"],
    ["a string email_verified", { email_verified: "true" }, "invalid_claims"],
    // Tokens minted before the claim existed stay valid until they expire.
    ["a control: no email_verified", { email_verified: undefined }, true],
    ["an array audience", { aud: [env.AUDIENCE] }, "invalid_claims"],
  ];

  it.each(claimCases)("%s", async (_, o, expected) => {
    const result = await verify(await forge(o));
    if (expected === true) expect(result).toMatchObject({ ok: true });
    else expect(result).toEqual({ ok: false, reason: expected });
    const jwt = await jwtResult(o);
    expect(result.ok || result.reason).toBe(jwt.ok || jwt.reason);
  });

  // PASETO-only: how the dates are written and what the footer and payload may be.
  const pasetoCases: Array<[string, () => Promise<string>, VerifyResult["ok"] | string]> = [
    ["a control: hand-forged with our key", () => forge(), true],
    [
      "a control: dates with a +02:00 offset",
      () => forge({ iat: "2026-11-22T14:00:00+02:00", exp: "2026-11-22T14:15:00+02:00" }),
      true,
    ],
    ["JWT-style numeric dates", () => forge({}, { raw: JSON.stringify(claims) }), "invalid_claims"],
    ["exp as a numeric string", () => forge({ exp: `${NOW + 600}` }), "invalid_claims"],
    ["exp as an object", () => forge({ exp: { at: NOW } }), "invalid_claims"],
    ["fractional seconds", () => forge({ exp: "2026-11-22T12:10:00.5Z" }), "invalid_claims"],
    ["an impossible date", () => forge({ exp: "2026-02-30T00:00:00Z" }), "invalid_claims"],
    ["a date without an offset", () => forge({ exp: "2026-11-22T12:10:00" }), "invalid_claims"],
    ["a payload that is not JSON", () => forge({}, { raw: "not json" }), "malformed"],
    ["a payload that is a JSON array", () => forge({}, { raw: "[]" }), "malformed"],
    ["a tampered payload", async () => tamper(await forge(), 20), "invalid_signature"],
    ["a tampered signature", async () => tamper(await forge(), -5), "invalid_signature"],
    ["a non-empty implicit assertion", () => forge({}, { implicit: "x" }), "invalid_signature"],
    ["an unknown footer kid", () => forge({}, { footer: foreignFooter }), "invalid_signature"],
    [
      "a foreign key under its own kid",
      () => forge({}, { key: foreign.privateKey, footer: foreignFooter }),
      "invalid_signature",
    ],
    [
      "a foreign key reusing our kid",
      () => forge({}, { key: foreign.privateKey }),
      "invalid_signature",
    ],
    ["a missing footer", () => forge({}, { footer: "" }), "malformed"],
    [
      "a footer with extra fields",
      () => forge({}, { footer: footer.replace("}", ',"wpk":"x"}') }),
      "malformed",
    ],
    [
      "a footer with whitespace",
      () => forge({}, { footer: footer.replace(":", ": ") }),
      "malformed",
    ],
    [
      "a footer naming our JWK kid",
      () => forge({}, { footer: JSON.stringify({ kid: keys.current.kid }) }),
      "malformed",
    ],
    [
      "a footer carrying key material (k4.public)",
      async () =>
        forge({}, { footer: JSON.stringify({ kid: (await paserkPublic(keys.current)).paserk }) }),
      "malformed",
    ],
    ["a v4.local token", async () => (all[0] as Vector).token, "malformed"],
    [
      "a v3.public-looking token",
      async () => (await forge()).replace("v4.public.", "v3.public."),
      "malformed",
    ],
    ["a JWT", () => signJwt(keys, claims), "malformed"],
    [
      "padded base64",
      async () => (await forge()).replace(/\.(?=[^.]*$)/, "==."), // before the footer
      "malformed",
    ],
    ["an empty footer segment", async () => `${await forge({}, { footer: "" })}.`, "malformed"],
    ["a token over 4 KiB", () => forge({ pad: "x".repeat(4096) }), "malformed"],
    ["the empty string", async () => "", "malformed"],
    ["a bare header", async () => "v4.public.", "malformed"],
    ["garbage", async () => "v4.public.!!!.***", "malformed"],
  ];

  it.each(pasetoCases)("%s", async (_, make, expected) => {
    const result = await verify(await make());
    if (expected === true) expect(result).toMatchObject({ ok: true });
    else expect(result).toEqual({ ok: false, reason: expected });
  });
});

/** Flips one bit of the decoded payload at `index` (negative: from the end, i.e. the signature). */
function tamper(token: string, index: number): string {
  const [v, p, body, ...rest] = token.split(".") as [string, string, string, ...string[]];
  const bytes = base64url.decode(body);
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ 1;
  return [v, p, base64url.encode(bytes), ...rest].join(".");
}
