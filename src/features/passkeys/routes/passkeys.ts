import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { limitByIp } from "../../../middleware/rate-limit";
import { requireAuth } from "../../../middleware/require-auth";
import { requireRecentAuth } from "../../../middleware/require-recent-auth";
import { reauthenticatedOwner } from "../../../routes/account-deps";
import { emailField, UUID } from "../../../routes/fields";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { TokenPairSchema } from "../../../routes/response-schemas";
import { signInResponse } from "../../../routes/token-response";
import { jsonBody } from "../../../routes/validate";
import {
  authenticationOptions,
  type PasskeyDeps,
  registrationOptions,
  verifyAuthentication,
  verifyRegistration,
} from "../ceremonies";
import { passkeyErrors } from "../errors";
import {
  CreationOptionsSchema,
  ceremonyStart,
  PasskeySchema,
  RequestOptionsSchema,
} from "./response-schemas";

function passkeyDeps(c: Context<AppEnv>): PasskeyDeps {
  const services = c.get("services");
  return {
    config: c.get("config").passkeys,
    store: services.passkeys,
    flows: services.passkeyFlows,
    users: services.users,
    audit: services.audit,
  };
}

const flowId = z.string().min(1).max(128);
const name = z.string().trim().min(1).max(64);
// The WebAuthn JSON shapes are checked field by field by the library; here
// only that they are objects of a sane size (the body is bounded at 16 KiB).
const credentialJson = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal("public-key"),
  response: z.looseObject({ clientDataJSON: z.string().min(1).max(4096) }),
});

const RegisterOptionsBody = z.object({
  password: z
    .string()
    .max(4096)
    .optional()
    .describe("the account's password: required when it has one (a passkey is a new way in)"),
});

const RegisterVerifyBody = z.object({
  flow_id: flowId,
  response: credentialJson,
  name: name.optional(),
});
const LoginOptionsBody = z.object({ email: emailField.optional() });
const LoginVerifyBody = z.object({
  flow_id: flowId,
  response: credentialJson,
  token_transport: z.enum(["body", "cookie"]).default("body"),
});
const RenameBody = z.object({ name });

const view = (p: {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  deviceType: string;
  backedUp: boolean;
}) => ({
  id: p.id,
  name: p.name,
  created_at: p.createdAt.toISOString(),
  last_used_at: p.lastUsedAt?.toISOString() ?? null,
  device_type: p.deviceType,
  backed_up: p.backedUp,
});

const auth = authErrors.specs;
const passkey = passkeyErrors.specs;

/** requireAuth (RFC 6750), then a recent authentication (RFC 9470). */
const STEPPED_UP = [
  auth.credentials_required,
  auth.invalid_access_token,
  auth.insufficient_user_authentication,
] as const;

const PasskeyId = z.object({ id: z.string().regex(UUID) });

/** Passkeys (README "Passkeys"): register and manage (signed in), and sign in. */
export const passkeyRoutes = new Hono<AppEnv>()
  .post(
    "/v1/passkeys/login/options",
    describeRoute({
      tag: "passkeys",
      summary: "Start a passkey sign-in",
      description:
        "Always a discoverable request (no credential ids, so conditional UI works), the same for every address: an `email` only binds the flow to that account, so that another account's passkey is refused.",
      responses: {
        200: { description: "the ceremony", schema: ceremonyStart(RequestOptionsSchema) },
      },
      errors: [],
      limited: true,
    }),
    limitByIp("login_ip", { failOpen: false }),
    jsonBody(LoginOptionsBody),
    async (c) => {
      const { flowId: id, options } = await authenticationOptions(
        passkeyDeps(c),
        c.req.valid("json").email,
      );
      c.header("Cache-Control", "no-store");
      return c.json({ flow_id: id, options });
    },
  )
  .post(
    "/v1/passkeys/login/verify",
    describeRoute({
      tag: "passkeys",
      summary: "Sign in with a passkey",
      description:
        'User verification is required, so a passkey is two factors in one: the tokens carry `amr` `["hwk"|"swk", "mfa"]` (RFC 8176) and no second step is asked. `token_transport: "cookie"` puts the refresh token in `__Host-refresh`.',
      responses: { 200: { description: "signed in", schema: TokenPairSchema } },
      errors: [
        passkey.invalid_flow,
        passkey.passkey_rejected,
        auth.account_disabled,
        auth.email_not_verified,
      ],
      limited: true,
    }),
    limitByIp("login_ip", { failOpen: false }),
    jsonBody(LoginVerifyBody),
    async (c) => {
      const body = c.req.valid("json");
      const outcome = await verifyAuthentication(
        { ...passkeyDeps(c), signIn: c.get("services").signIn },
        {
          flowId: body.flow_id,
          response: body.response as never,
          transport: body.token_transport,
          userAgent: c.req.header("user-agent") ?? null,
          ip: c.req.header("cf-connecting-ip") ?? null,
        },
      );
      return signInResponse(c, outcome, body.token_transport);
    },
  )
  .use("/v1/passkeys", requireAuth)
  .use("/v1/passkeys/register/*", requireAuth, requireRecentAuth)
  .get(
    "/v1/passkeys",
    describeRoute({
      tag: "passkeys",
      summary: "The signed-in account's passkeys",
      security: ["bearer"],
      responses: {
        200: {
          description: "the passkeys",
          schema: z.strictObject({ passkeys: z.array(PasskeySchema) }),
        },
      },
      errors: [auth.credentials_required, auth.invalid_access_token],
    }),
    async (c) => {
      const list = await c.get("services").passkeys.listForUser(c.get("claims").sub);
      c.header("Cache-Control", "no-store");
      return c.json({ passkeys: list.map(view) });
    },
  )
  .post(
    "/v1/passkeys/register/options",
    describeRoute({
      tag: "passkeys",
      summary: "Start registering a passkey",
      description:
        "WebAuthn creation options: resident key required, user verification required, attestation `none`, the account's passkeys excluded. A passkey is a new way to sign in, so it needs a recent authentication (RFC 9470) and the account's password where it has one (OWASP ASVS V6): a token alone, however fresh, adds none.",
      security: ["bearer"],
      responses: {
        200: { description: "the ceremony", schema: ceremonyStart(CreationOptionsSchema) },
      },
      errors: [
        ...STEPPED_UP,
        auth.account_gone,
        auth.reauthentication_required,
        auth.invalid_credentials,
        auth.password_rejected,
      ],
    }),
    jsonBody(RegisterOptionsBody),
    async (c) => {
      const user = await reauthenticatedOwner(c, c.req.valid("json").password);
      const { flowId: id, options } = await registrationOptions(passkeyDeps(c), user);
      c.header("Cache-Control", "no-store");
      return c.json({ flow_id: id, options });
    },
  )
  .post(
    "/v1/passkeys/register/verify",
    describeRoute({
      tag: "passkeys",
      summary: "Finish registering a passkey",
      description:
        "The authenticator's answer to the options of POST /v1/passkeys/register/options, checked for challenge, origin, RP ID and user verification (W3C WebAuthn §7.1).",
      security: ["bearer"],
      responses: { 201: { description: "registered", schema: PasskeySchema } },
      errors: [
        ...STEPPED_UP,
        passkey.invalid_flow,
        passkey.passkey_rejected,
        passkey.passkey_exists,
      ],
    }),
    jsonBody(RegisterVerifyBody),
    async (c) => {
      const body = c.req.valid("json");
      const record = await verifyRegistration(passkeyDeps(c), {
        userId: c.get("claims").sub,
        flowId: body.flow_id,
        response: body.response as never,
        name: body.name,
      });
      return c.json(view(record), 201);
    },
  )
  .patch(
    "/v1/passkeys/:id",
    describeRoute({
      tag: "passkeys",
      summary: "Rename one of the signed-in account's passkeys",
      description: "Needs a recent authentication (RFC 9470).",
      security: ["bearer"],
      params: PasskeyId,
      responses: { 204: { description: "renamed" } },
      errors: [...STEPPED_UP, passkey.passkey_not_found],
    }),
    requireAuth,
    requireRecentAuth,
    jsonBody(RenameBody),
    async (c) => {
      const id = c.req.param("id");
      const services = c.get("services");
      const userId = c.get("claims").sub;
      if (
        !UUID.test(id) ||
        !(await services.passkeys.rename(userId, id, c.req.valid("json").name))
      ) {
        throw passkeyErrors.error("passkey_not_found");
      }
      services.audit.record({ type: "passkey_renamed", userId, details: { passkey: id } });
      return c.body(null, 204);
    },
  )
  .delete(
    "/v1/passkeys/:id",
    describeRoute({
      tag: "passkeys",
      summary: "Remove one of the signed-in account's passkeys",
      description: "Needs a recent authentication (RFC 9470).",
      security: ["bearer"],
      params: PasskeyId,
      responses: { 204: { description: "removed" } },
      errors: [...STEPPED_UP, passkey.passkey_not_found],
    }),
    requireAuth,
    requireRecentAuth,
    async (c) => {
      const id = c.req.param("id");
      const services = c.get("services");
      const userId = c.get("claims").sub;
      if (!UUID.test(id) || !(await services.passkeys.remove(userId, id))) {
        throw passkeyErrors.error("passkey_not_found");
      }
      services.audit.record({ type: "passkey_deleted", userId, details: { passkey: id } });
      return c.body(null, 204);
    },
  );
