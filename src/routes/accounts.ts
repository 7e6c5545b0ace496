import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { register } from "../auth/accounts";
import { authErrors } from "../auth/errors";
import { passwordLogin } from "../auth/password-check";
import { completeSignIn } from "../auth/sign-in";
import { AuthError } from "../errors";
import { limitByIp } from "../middleware/rate-limit";
import { authenticateReading, invalidToken } from "../middleware/require-auth";
import { accountDeps, attemptSource, passwordCheckDeps } from "./account-deps";
import { emailField, passwordField } from "./fields";
import { describeRoute } from "./openapi/route-doc";
import { PublicUserSchema, SignInAnswerSchema } from "./response-schemas";
import { signInResponse } from "./token-response";
import { jsonBody } from "./validate";

const Credentials = z.object({ email: emailField, password: passwordField });
const LoginBody = Credentials.extend({
  token_transport: z.enum(["body", "cookie"]).default("body"),
  // A Turnstile response token, when the client was asked for one (X-Auth-Challenge).
  challenge_token: z.string().max(2048).optional(),
});

const publicUser = (u: {
  id: string;
  email: string;
  createdAt: Date;
  emailVerifiedAt: Date | null;
}) => ({
  id: u.id,
  email: u.email,
  email_verified: u.emailVerifiedAt !== null,
  created_at: u.createdAt.toISOString(),
});

const errors = authErrors.specs;

export const accounts = new Hono<AppEnv>()
  // Fails closed: without Redis, sign-ups cannot be bounded.
  .post(
    "/v1/register",
    describeRoute({
      tag: "accounts",
      summary: "Create an account with an email and a password",
      description:
        "The one deliberate enumeration point: a taken address answers 409 (docs/security.md).",
      responses: {
        201: { description: "created", schema: z.strictObject({ user: PublicUserSchema }) },
      },
      errors: [errors.email_taken, errors.password_rejected],
      limited: true,
    }),
    limitByIp("register_ip", { failOpen: false }),
    jsonBody(Credentials),
    async (c) => {
      const input = c.req.valid("json");
      const user = await register(accountDeps(c), input);
      const services = c.get("services");
      services.audit.record({ type: "register", userId: user.id, details: {} });
      // After the insert, in the background: what features do next (mail a
      // verification link) must not fail a registration that happened.
      c.executionCtx.waitUntil(services.registered(user.id));
      return c.json({ user: publicUser(user) }, 201);
    },
  )
  .post(
    "/v1/login",
    describeRoute({
      tag: "accounts",
      summary: "Sign in with an email and a password",
      description:
        'Answers the token pair, or `mfa_required` with an `mfa_token` for POST /v1/login/mfa. `token_transport: "cookie"` puts the refresh token in `__Host-refresh` instead of the body.',
      responses: {
        200: { description: "signed in, or a second factor is due", schema: SignInAnswerSchema },
      },
      errors: [
        errors.invalid_credentials,
        errors.email_not_verified,
        errors.account_disabled,
        errors.password_reset_required,
      ],
      limited: true,
    }),
    jsonBody(LoginBody),
    async (c) => {
      const input = c.req.valid("json");
      const services = c.get("services");
      const user = await passwordLogin(
        passwordCheckDeps(c),
        input,
        attemptSource(c, input.challenge_token),
      ).catch((err: unknown) => {
        // The typed email is never recorded: people type passwords into it.
        const reason = err instanceof AuthError ? (err.reason ?? err.code) : "error";
        services.audit.record({ type: "login_failed", userId: null, details: { reason } });
        throw err;
      });
      const outcome = await completeSignIn(
        services.signIn,
        {
          id: user.id,
          emailVerified: user.emailVerifiedAt !== null,
          disabled: !!user.disabledAt,
          ...(user.credentialEpoch === undefined ? {} : { credentialEpoch: user.credentialEpoch }),
        },
        {
          method: "password",
          amr: ["pwd"],
          transport: input.token_transport,
          userAgent: c.req.header("user-agent") ?? null,
          ip: c.req.header("cf-connecting-ip") ?? null,
        },
      );
      return signInResponse(c, outcome, input.token_transport);
    },
  )
  .get(
    "/v1/me",
    describeRoute({
      tag: "accounts",
      summary: "The signed-in account",
      security: ["bearer"],
      responses: { 200: { description: "the account", schema: PublicUserSchema } },
      errors: [errors.credentials_required, errors.invalid_access_token, errors.account_gone],
    }),
    async (c) => {
      // The user row is read beside the revocation lookup, not after it.
      const user = await authenticateReading(c, (claims) =>
        c.get("services").users.findById(claims.sub),
      );
      // The account is gone: the token no longer names anyone (RFC 6750 §3.1).
      if (!user) throw invalidToken(c.get("config").realm);
      c.header("Cache-Control", "no-store");
      return c.json(publicUser(user));
    },
  );
