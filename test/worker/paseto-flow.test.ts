// PASETO v4.public through the service's own endpoints: the same online checks
// as JWT (revocation included), and the PASERK publication matching the footer.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueAccessToken } from "../../src/auth/tokens/access-token";
import { parseSigningKeys } from "../../src/auth/tokens/signing-jwk";
import { loadSigningKeys } from "../../src/auth/tokens/signing-keys";
import { call, postJson } from "./helpers";
import { familyOf, login, me, newUser } from "./session-helpers";

async function pasetoFor(userId: string, sessionId: string): Promise<string> {
  const keys = await loadSigningKeys(parseSigningKeys(env.SIGNING_KEYS));
  const settings = {
    issuer: env.ISSUER,
    audience: env.AUDIENCE,
    clientId: "first-party",
    ttlSeconds: Number(env.ACCESS_TOKEN_TTL_SECONDS),
    format: "paseto" as const,
  };
  return (
    await issueAccessToken(
      keys,
      settings,
      { now: () => Date.now() },
      { userId, sessionId, claims: { email_verified: false } },
    )
  ).token;
}

describe("ACCESS_TOKEN_FORMAT=paseto tokens", () => {
  it("are v4.public and accepted by /v1/me and verify(), then rejected at once after logout", async () => {
    const user = await newUser("paseto");
    const pair = await login(user.email);
    const token = await pasetoFor(user.id, familyOf(pair.refresh_token));
    expect(token.startsWith("v4.public.")).toBe(true);
    expect((await me(token)).status).toBe(200);
    expect(await exports.AuthService.verify(token)).toMatchObject({
      ok: true,
      claims: { sub: user.id },
    });
    await postJson("/v1/logout", { refresh_token: pair.refresh_token });
    expect((await me(token)).status).toBe(401);
    expect(await exports.AuthService.verify(token)).toEqual({ ok: false, error: "revoked" });
  });

  it("carry the PASERK k4.pid of a key published at /.well-known/paserk.json", async () => {
    const user = await newUser("paseto");
    const pair = await login(user.email);
    const token = await pasetoFor(user.id, familyOf(pair.refresh_token));
    const footer = JSON.parse(
      Buffer.from(token.split(".")[3] as string, "base64url").toString(),
    ) as { kid: string };
    const res = await call("/.well-known/paserk.json");
    expect(res.headers.get("cache-control")).toBe(`public, max-age=${env.JWKS_MAX_AGE_SECONDS}`);
    const { keys } = (await res.json()) as { keys: Array<{ kid: string; paserk: string }> };
    expect(keys.map((k) => k.kid)).toContain(footer.kid);
    for (const k of keys) {
      expect(k.kid).toMatch(/^k4\.pid\.[A-Za-z0-9_-]{44}$/);
      expect(k.paserk).toMatch(/^k4\.public\.[A-Za-z0-9_-]{43}$/);
    }
  });
});
