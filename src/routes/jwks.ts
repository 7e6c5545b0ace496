import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { paserkPublic } from "../auth/tokens/paserk";

/**
 * RFC 7517 key set for verifiers. The cache lifetime (JWKS_MAX_AGE_SECONDS) must
 * stay shorter than the lead time with which a new key is published before it
 * signs (docs/key-rotation.md), so every verifier has the key in time.
 */
export const jwks = new Hono<AppEnv>()
  .get("/.well-known/jwks.json", async (c) => {
    const keys = await c.get("services").signingKeys();
    c.header("Cache-Control", `public, max-age=${c.get("config").jwksMaxAgeSeconds}`);
    return c.json({ keys: keys.all.map((k) => k.publicJwk) });
  })
  // The same keys as PASERK `k4.public`, for PASETO verifiers; `kid` is the
  // PASERK `k4.pid` that PASETO footers carry. Same cache rule as the JWKS.
  .get("/.well-known/paserk.json", async (c) => {
    const keys = await c.get("services").signingKeys();
    c.header("Cache-Control", `public, max-age=${c.get("config").jwksMaxAgeSeconds}`);
    return c.json({ keys: await Promise.all(keys.all.map((k) => paserkPublic(k))) });
  });
