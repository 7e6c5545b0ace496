import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { type AccountDeps, authenticate, register } from "../auth/accounts";
import { issueAccessToken } from "../auth/tokens/access-token";
import { AuthError } from "../errors";
import { requireAuth } from "../middleware/require-auth";
import { readJson } from "./read-json";

/** Tokens from /v1/login are issued to the service's own first-party client (RFC 9068 §2.2). */
export const FIRST_PARTY_CLIENT_ID = "first-party";

// Trimmed before validation; compared case-insensitively by the store.
const email = z.string().trim().max(254).pipe(z.email());
// Length rules live in the password policy; this only bounds the JSON field.
const password = z.string().min(1).max(4096);
const Credentials = z.object({ email, password });

function accountDeps(c: Context<AppEnv>): AccountDeps {
  const services = c.get("services");
  return {
    users: services.users,
    passwords: services.passwords,
    clock: services.clock,
    minPasswordLength: c.get("config").password.minLength,
  };
}

const publicUser = (u: { id: string; email: string; createdAt: Date }) => ({
  id: u.id,
  email: u.email,
  created_at: u.createdAt.toISOString(),
});

export const accounts = new Hono<AppEnv>()
  .post("/v1/register", async (c) => {
    const input = await readJson(c, Credentials);
    const user = await register(accountDeps(c), input);
    return c.json({ user: publicUser(user) }, 201);
  })
  .post("/v1/login", async (c) => {
    const input = await readJson(c, Credentials);
    const user = await authenticate(accountDeps(c), input);
    const config = c.get("config");
    const services = c.get("services");
    const access = await issueAccessToken(
      await services.signingKeys(),
      {
        issuer: config.issuer,
        audience: config.audience,
        clientId: FIRST_PARTY_CLIENT_ID,
        ttlSeconds: config.accessTokenTtlSeconds,
      },
      services.clock,
      { userId: user.id },
    );
    c.header("Cache-Control", "no-store");
    return c.json({
      access_token: access.token,
      token_type: "Bearer",
      expires_in: access.expiresIn,
    });
  })
  .get("/v1/me", requireAuth, async (c) => {
    const user = await c.get("services").users.findById(c.get("claims").sub);
    if (!user) {
      // The account is gone: the token no longer names anyone (RFC 6750 §3.1).
      throw new AuthError("invalid_token", 401, "the access token is invalid or expired", {
        "WWW-Authenticate": `Bearer realm="${c.get("config").realm}", error="invalid_token"`,
      });
    }
    c.header("Cache-Control", "no-store");
    return c.json(publicUser(user));
  });
