import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { paserkPublic } from "../auth/tokens/paserk";
import { describeRoute } from "./openapi/route-doc";

/** RFC 8037 §2: an Ed25519 public key as a JWK, with what a verifier pins (RFC 7517 §4). */
const PublicJwkSchema = z.strictObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string(),
  kid: z.string(),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
});

const PaserkSchema = z.strictObject({
  kid: z.string().describe("`k4.pid.…`, as PASETO footers name the key"),
  paserk: z.string().describe("`k4.public.…`"),
});

/**
 * RFC 7517 key set for verifiers. The cache lifetime (JWKS_MAX_AGE_SECONDS) must
 * stay shorter than the lead time with which a new key is published before it
 * signs (docs/key-rotation.md), so every verifier has the key in time.
 */
export const jwks = new Hono<AppEnv>()
  .get(
    "/.well-known/jwks.json",
    describeRoute({
      tag: "keys",
      summary: "The public signing keys as a JWK Set (RFC 7517)",
      description:
        "Cached for JWKS_MAX_AGE_SECONDS, which stays shorter than the lead time with which a new key is published before it signs (docs/key-rotation.md).",
      responses: {
        200: {
          description: "the key set",
          schema: z.strictObject({ keys: z.array(PublicJwkSchema) }),
        },
      },
      errors: [],
    }),
    async (c) => {
      const keys = await c.get("services").signingKeys();
      c.header("Cache-Control", `public, max-age=${c.get("config").jwksMaxAgeSeconds}`);
      return c.json({ keys: keys.all.map((k) => k.publicJwk) });
    },
  )
  // The same keys as PASERK `k4.public`, for PASETO verifiers; `kid` is the
  // PASERK `k4.pid` that PASETO footers carry. Same cache rule as the JWKS.
  .get(
    "/.well-known/paserk.json",
    describeRoute({
      tag: "keys",
      summary: "The public signing keys as PASERK k4.public, for PASETO verifiers",
      description:
        "`kid` is the PASERK `k4.pid` that PASETO v4.public footers carry; cached as the JWKS is.",
      responses: {
        200: {
          description: "the keys",
          schema: z.strictObject({ keys: z.array(PaserkSchema) }),
        },
      },
      errors: [],
    }),
    async (c) => {
      const keys = await c.get("services").signingKeys();
      c.header("Cache-Control", `public, max-age=${c.get("config").jwksMaxAgeSeconds}`);
      return c.json({ keys: await Promise.all(keys.all.map((k) => paserkPublic(k))) });
    },
  );
