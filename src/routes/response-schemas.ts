import { z } from "zod";

/**
 * The response bodies core routes share, for the OpenAPI document: each is
 * the exact shape the route writes (strict objects, so the contract test
 * catches a field the document does not name).
 */

/** RFC 6749 §5.1; in cookie mode the refresh token travels only in `__Host-refresh`. */
export const TokenPairSchema = z.strictObject({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  refresh_expires_in: z.number().int(),
  refresh_token: z.string().optional().describe("absent in cookie mode"),
});

/** A second factor is due: no token yet, only the challenge to answer at POST /v1/login/mfa. */
export const SecondFactorChallengeSchema = z.strictObject({
  mfa_required: z.literal(true),
  mfa_token: z.string(),
  methods: z.array(z.string()),
});

/** What a sign-in answers: the tokens, or the second factor's challenge. */
export const SignInAnswerSchema = z.union([TokenPairSchema, SecondFactorChallengeSchema]);

export const PublicUserSchema = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  email_verified: z.boolean(),
  created_at: z.iso.datetime({ offset: true }),
});
