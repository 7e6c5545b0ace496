import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { limitByIp } from "../../../middleware/rate-limit";
import { requireAuth } from "../../../middleware/require-auth";
import { requireRecentAuth } from "../../../middleware/require-recent-auth";
import { reauthenticatedOwner } from "../../../routes/account-deps";
import { UUID } from "../../../routes/fields";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { jsonBody } from "../../../routes/validate";
import { socialErrors } from "../errors";
import { checkRedirectUri, completeLink, issueLinkTicket, providerOf } from "../sign-in-flow";
import { socialFlowDeps } from "./oauth";

const LinkBody = z.object({
  provider: z.string().min(1).max(32),
  redirect_uri: z.string().min(1).max(2048),
  state: z.string().max(512).optional(),
  password: z.string().max(4096).optional(),
  code_challenge: z
    .string()
    .max(128)
    .describe("RFC 7636 S256 challenge of a verifier the client keeps"),
  code_challenge_method: z.literal("S256"),
});

const LinkCompleteBody = z.object({
  code: z.string().min(1).max(128).describe("the `link_code` the callback sent to `redirect_uri`"),
  code_verifier: z.string().min(1).max(128),
});

const timestamp = z.iso.datetime({ offset: true });

const IdentitiesSchema = z.strictObject({
  password_set: z.boolean(),
  identities: z.array(
    z.strictObject({
      id: z.uuid(),
      provider: z.string(),
      email: z.string().nullable().describe("the address the provider shared, if any"),
      created_at: timestamp,
      last_used_at: timestamp,
    }),
  ),
});

const auth = authErrors.specs;
const social = socialErrors.specs;

/** The signed-in user's linked identities: list, link another, unlink one. */
export const identityRoutes = new Hono<AppEnv>()
  .use("/v1/identities", requireAuth)
  .use("/v1/identities/*", requireAuth)
  .get(
    "/v1/identities",
    describeRoute({
      tag: "social",
      summary: "The signed-in account's linked identities",
      security: ["bearer"],
      responses: {
        200: {
          description: "the identities, and whether the account has a password",
          schema: IdentitiesSchema,
        },
      },
      errors: [auth.credentials_required, auth.invalid_access_token, auth.account_gone],
    }),
    async (c) => {
      const services = c.get("services");
      const userId = c.get("claims").sub;
      const [user, list] = await Promise.all([
        services.users.findById(userId),
        services.identities.list(userId),
      ]);
      if (!user) throw authErrors.error("account_gone");
      c.header("Cache-Control", "no-store");
      return c.json({
        password_set: user.passwordHash !== null,
        identities: list.map((i) => ({
          id: i.id,
          provider: i.provider,
          email: i.email,
          created_at: i.createdAt.toISOString(),
          last_used_at: i.lastUsedAt.toISOString(),
        })),
      });
    },
  )
  .post(
    "/v1/identities/link",
    describeRoute({
      tag: "social",
      summary: "Start linking another provider to the signed-in account",
      description:
        "Needs the password, or for an account without one an authentication within REAUTH_MAX_AGE_SECONDS (OWASP ASVS V6: re-authenticate before adding a way to sign in), and an RFC 7636 S256 `code_challenge`. Answers a URL for the browser to open: the authorize endpoint with a one-time `link_ticket`. The callback links nothing: it 303s to `redirect_uri` with a one-time `link_code`, which only this client completes (POST /v1/identities/link/complete, with its verifier and a Bearer token for this account), so a ticket opened in someone else's browser links nothing (RFC 9700 §4.7).",
      security: ["bearer"],
      responses: {
        200: {
          description: "the URL to open",
          schema: z.strictObject({ authorization_url: z.string() }),
        },
      },
      errors: [
        auth.credentials_required,
        auth.invalid_access_token,
        auth.account_gone,
        social.unknown_provider,
        social.invalid_redirect_uri,
        auth.reauthentication_required,
        auth.invalid_credentials,
        auth.password_rejected,
      ],
      limited: true,
    }),
    limitByIp("oauth_ip", { failOpen: false }),
    jsonBody(LinkBody),
    async (c) => {
      const body = c.req.valid("json");
      const deps = socialFlowDeps(c);
      const provider = providerOf(deps, body.provider);
      const redirectUri = checkRedirectUri(deps, body.redirect_uri);
      const user = await reauthenticatedOwner(c, body.password);
      const ticket = await issueLinkTicket(deps, {
        provider,
        redirectUri,
        appState: body.state,
        userId: user.id,
        codeChallenge: body.code_challenge,
        codeChallengeMethod: body.code_challenge_method,
      });
      // The browser opens this; the authorize endpoint starts the flow there,
      // bound to that browser, for the account the ticket names.
      const url = new URL(`/v1/oauth/${provider.id}/authorize`, c.req.url);
      url.searchParams.set("link_ticket", ticket);
      c.header("Cache-Control", "no-store");
      return c.json({ authorization_url: url.href });
    },
  )
  .post(
    "/v1/identities/link/complete",
    describeRoute({
      tag: "social",
      summary: "Complete a link the provider confirmed",
      description:
        "The `link_code` the callback sent to `redirect_uri`, once and within 60 s, with the verifier of the S256 challenge sent to POST /v1/identities/link, and a Bearer token for the same account. Unknown, expired, used, wrong-verifier and another account's codes all answer `invalid_grant`.",
      security: ["bearer"],
      responses: {
        200: {
          description: "linked (or it already was)",
          schema: z.strictObject({ provider: z.string() }),
        },
      },
      errors: [
        auth.credentials_required,
        auth.invalid_access_token,
        social.invalid_code,
        social.identity_taken,
      ],
      limited: true,
    }),
    limitByIp("oauth_ip", { failOpen: false }),
    jsonBody(LinkCompleteBody),
    async (c) => {
      const body = c.req.valid("json");
      const linked = await completeLink(socialFlowDeps(c), {
        code: body.code,
        codeVerifier: body.code_verifier,
        userId: c.get("claims").sub,
      });
      c.header("Cache-Control", "no-store");
      return c.json({ provider: linked.provider });
    },
  )
  .delete(
    "/v1/identities/:id",
    describeRoute({
      tag: "social",
      summary: "Unlink one of the signed-in account's identities",
      description:
        "A sensitive change: needs a recent authentication (RFC 9470). The account's only way to sign in cannot be unlinked.",
      security: ["bearer"],
      params: z.object({ id: z.string().regex(UUID) }),
      responses: { 204: { description: "unlinked" } },
      errors: [
        auth.credentials_required,
        auth.invalid_access_token,
        auth.insufficient_user_authentication,
        social.identity_not_found,
        social.last_sign_in_method,
      ],
    }),
    requireRecentAuth,
    async (c) => {
      const id = c.req.param("id");
      if (!UUID.test(id)) throw socialErrors.error("identity_not_found");
      const services = c.get("services");
      const userId = c.get("claims").sub;
      const result = await services.identities.unlink(userId, id);
      if (result.outcome === "not_found") throw socialErrors.error("identity_not_found");
      if (result.outcome === "last_method") throw socialErrors.error("last_sign_in_method");
      services.audit.record({
        type: "identity_unlinked",
        userId,
        details: { provider: result.provider ?? null },
      });
      return c.body(null, 204);
    },
  );
