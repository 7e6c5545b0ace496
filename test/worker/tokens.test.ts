import { env } from "cloudflare:workers";
import { base64url, exportJWK, generateKeyPair, importJWK, type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call, callWithEnv, GOOD_PASSWORD, postJson, uniqueEmail } from "./helpers";
import { me } from "./session-helpers";

const signingJwk = (JSON.parse(env.SIGNING_KEYS) as { keys: Array<Record<string, string>> })
  .keys[0] as Record<string, string>;

let user: { id: string; email: string };
let accessToken: string;
let sessionId: string;

beforeAll(async () => {
  const email = uniqueEmail("tokens");
  const reg = await postJson("/v1/register", { email, password: GOOD_PASSWORD });
  user = ((await reg.json()) as { user: { id: string; email: string } }).user;
  const login = await postJson("/v1/login", { email, password: GOOD_PASSWORD });
  const issued = (await login.json()) as { access_token: string; refresh_token: string };
  accessToken = issued.access_token;
  sessionId = issued.refresh_token.split(".")[0] as string;
});

const decodePart = (part: string) => JSON.parse(new TextDecoder().decode(base64url.decode(part)));

/**
 * Builds a token that is right in every respect but the ones named: claims and
 * header entries override the good ones (`undefined` removes one), and `key`
 * replaces the service's own signing key.
 */
async function forge(
  claims: JWTPayload,
  header: Record<string, unknown> = {},
  key?: CryptoKey | Uint8Array,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: env.ISSUER,
    aud: env.AUDIENCE,
    sub: user.id,
    client_id: "first-party",
    sid: sessionId,
    iat: now,
    exp: now + 600,
    jti: crypto.randomUUID(),
    ...claims,
  };
  return new SignJWT(JSON.parse(JSON.stringify(payload)))
    .setProtectedHeader(
      JSON.parse(JSON.stringify({ alg: "EdDSA", typ: "at+jwt", kid: signingJwk.kid, ...header })),
    )
    .sign(key ?? (await importJWK(signingJwk, "EdDSA")));
}

/** Signs with WebCrypto directly, for headers jose refuses to produce. */
async function signByHand(extraHeader: Record<string, unknown>): Promise<string> {
  const [, p] = (await forge({})).split(".") as [string, string];
  const h = base64url.encode(
    JSON.stringify({ alg: "EdDSA", typ: "at+jwt", kid: signingJwk.kid, ...extraHeader }),
  );
  const key = await crypto.subtle.importKey(
    "jwk",
    signingJwk as unknown as JsonWebKey,
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  const sig = await crypto.subtle.sign("Ed25519", key, new TextEncoder().encode(`${h}.${p}`));
  return `${h}.${p}.${base64url.encode(new Uint8Array(sig))}`;
}

describe("access tokens", () => {
  it("are EdDSA JWTs typed at+jwt with a kid and the RFC 9068 claims", () => {
    const [h, p] = accessToken.split(".") as [string, string];
    expect(decodePart(h)).toEqual({ alg: "EdDSA", typ: "at+jwt", kid: signingJwk.kid });
    const claims = decodePart(p);
    expect(Object.keys(claims).sort()).toEqual([
      "amr",
      "aud",
      "auth_time",
      "client_id",
      "email_verified",
      "exp",
      "iat",
      "iss",
      "jti",
      "sid",
      "sub",
    ]);
    expect(claims).toMatchObject({
      iss: env.ISSUER,
      aud: env.AUDIENCE,
      sub: user.id,
      client_id: "first-party",
      sid: sessionId,
      email_verified: false,
      // RFC 8176: a password login.
      amr: ["pwd"],
    });
    expect(claims.exp - claims.iat).toBe(900);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
  });

  it("verify against the published JWKS with plain WebCrypto (no jose)", async () => {
    const jwks = (await (await call("/.well-known/jwks.json")).json()) as { keys: JsonWebKey[] };
    const [h, p, s] = accessToken.split(".") as [string, string, string];
    const jwk = jwks.keys.find((k) => (k as { kid?: string }).kid === decodePart(h).kid);
    expect(jwk).toBeDefined();
    const key = await crypto.subtle.importKey(
      "jwk",
      jwk as JsonWebKey,
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    const data = new TextEncoder().encode(`${h}.${p}`);
    expect(await crypto.subtle.verify("Ed25519", key, base64url.decode(s), data)).toBe(true);
    // And a flipped payload byte breaks it, so the check above means something.
    data[data.length - 1] = (data[data.length - 1] as number) ^ 1;
    expect(await crypto.subtle.verify("Ed25519", key, base64url.decode(s), data)).toBe(false);
  });
});

describe("GET /v1/me", () => {
  it("returns the caller's account", async () => {
    const res = await me(accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      id: user.id,
      email: user.email,
      email_verified: false,
      created_at: expect.any(String),
    });
  });

  it("challenges a request without a token (RFC 6750 §3.1: no error code)", async () => {
    const res = await call("/v1/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="edge-auth"');
    expect(((await res.json()) as { error: string }).error).toBe("unauthorized");
  });

  it.each([
    ["a malformed header", "Basic dXNlcjpwYXNz"],
    ["an empty bearer", "Bearer "],
    ["garbage", "Bearer not.a.token"],
  ])("answers invalid_token for %s", async (_name, header) => {
    const res = await call("/v1/me", { headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="edge-auth", error="invalid_token"',
    );
    expect(((await res.json()) as { error: string }).error).toBe("invalid_token");
  });
});

describe("token attacks on /v1/me", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<string>]> = [
    ["a control: a correctly forged token is accepted", async () => forge({})],
    [
      "alg none",
      async () => {
        const [, p] = (await forge({})).split(".");
        return `${base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt", kid: signingJwk.kid }))}.${p}.`;
      },
    ],
    [
      "alg NoNe",
      async () => {
        const [, p] = (await forge({})).split(".");
        return `${base64url.encode(JSON.stringify({ alg: "NoNe", typ: "at+jwt" }))}.${p}.`;
      },
    ],
    [
      "HS256 keyed with the public key",
      async () => {
        const jwk = JSON.stringify({ kty: "OKP", crv: "Ed25519", x: signingJwk.x });
        return forge({}, { alg: "HS256" }, new TextEncoder().encode(jwk));
      },
    ],
    [
      "HS512 keyed with the raw public key bytes",
      async () => forge({}, { alg: "HS512" }, base64url.decode(signingJwk.x as string)),
    ],
    ["an unknown kid", async () => forge({}, { kid: "nope" })],
    ["kid injection", async () => forge({}, { kid: "../../etc/passwd' OR '1'='1" })],
    [
      "a key of our own choosing embedded as jwk",
      async () => {
        const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
        return forge({}, { kid: undefined, jwk: await exportJWK(publicKey) }, privateKey);
      },
    ],
    [
      "a jku pointing at the attacker's key set",
      async () => {
        const { privateKey } = await generateKeyPair("EdDSA");
        return forge({}, { kid: "attacker", jku: "https://evil.example/jwks.json" }, privateKey);
      },
    ],
    [
      "an x5u pointing at the attacker's certificate",
      async () => {
        const { privateKey } = await generateKeyPair("EdDSA");
        return forge({}, { kid: "attacker", x5u: "https://evil.example/cert.pem" }, privateKey);
      },
    ],
    [
      "a foreign key reusing our kid",
      async () => forge({}, {}, (await generateKeyPair("EdDSA")).privateKey),
    ],
    ["a wrong issuer", async () => forge({ iss: "https://evil.example" })],
    ["a wrong audience", async () => forge({ aud: "another-service" })],
    ["a wrong typ (an ID token)", async () => forge({}, { typ: "JWT" })],
    ["an expired token", async () => forge({ iat: now() - 3600, exp: now() - 1800 })],
    [
      "a token older than the maximum age",
      async () => forge({ iat: now() - 7200, exp: now() + 600 }),
    ],
    ["nbf in the future", async () => forge({ nbf: now() + 3600 })],
    ["a control: hand-signed with WebCrypto is accepted", async () => signByHand({})],
    ["an unknown crit header", async () => signByHand({ crit: ["exp-ext"], "exp-ext": true })],
    [
      "a tampered payload",
      async () => {
        const [h, p, s] = (await forge({})).split(".") as [string, string, string];
        const claims = decodePart(p);
        claims.sub = crypto.randomUUID();
        return `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
      },
    ],
    [
      "a tampered signature",
      async () => {
        const [h, p, s] = (await forge({})).split(".") as [string, string, string];
        const sig = base64url.decode(s);
        sig[0] = (sig[0] as number) ^ 0xff;
        return `${h}.${p}.${base64url.encode(sig)}`;
      },
    ],
    ["a missing jti", async () => forge({ jti: undefined })],
    ["a subject that does not exist", async () => forge({ sub: crypto.randomUUID() })],
  ];

  it.each(cases)("%s", async (name, make) => {
    const res = await me(await make());
    if (name.startsWith("a control")) {
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes only public Ed25519 keys with a short cache lifetime", async () => {
    const res = await call("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe(`public, max-age=${env.JWKS_MAX_AGE_SECONDS}`);
    const body = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(body.keys).toEqual([
      {
        kty: "OKP",
        crv: "Ed25519",
        x: signingJwk.x,
        kid: signingJwk.kid,
        alg: "EdDSA",
        use: "sig",
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(signingJwk.d);
  });
});

describe("JWKS during a key rotation", () => {
  it("publishes the next, current and retired keys, public parts only", async () => {
    const make = async (kid: string, status: string) => {
      const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
      return { ...(await exportJWK(privateKey)), kid, status };
    };
    const keys = [
      await make("next-1", "next"),
      await make("cur-1", "current"),
      await make("old-1", "retired"),
    ];
    const res = await callWithEnv(
      { SIGNING_KEYS: JSON.stringify({ keys }) },
      "/.well-known/jwks.json",
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(body.keys.map((k) => k.kid)).toEqual(["cur-1", "next-1", "old-1"]);
    for (const k of body.keys)
      expect(Object.keys(k).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
  });
});
