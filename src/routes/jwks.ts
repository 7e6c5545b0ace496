import { Hono } from "hono";
import type { AppEnv } from "../app-env";

/**
 * RFC 7517 key set for verifiers. The cache lifetime (JWKS_MAX_AGE_SECONDS) must
 * stay shorter than the lead time with which a new key is published before it
 * signs (docs/key-rotation.md), so every verifier has the key in time.
 */
export const jwks = new Hono<AppEnv>().get("/.well-known/jwks.json", async (c) => {
  const keys = await c.get("services").signingKeys();
  c.header("Cache-Control", `public, max-age=${c.get("config").jwksMaxAgeSeconds}`);
  return c.json({ keys: keys.all.map((k) => k.publicJwk) });
});
