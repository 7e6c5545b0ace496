import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { AuthError, logRefusal } from "../../../errors";
import { limitByIp } from "../../../middleware/rate-limit";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { SignInAnswerSchema } from "../../../routes/response-schemas";
import { setRefreshCookie, signInResponse } from "../../../routes/token-response";
import { jsonBody } from "../../../routes/validate";
import { socialErrors } from "../errors";
import {
  checkRedirectUri,
  FLOW_TTL_SECONDS,
  finishAuthorization,
  providerOf,
  redeemAppCode,
  redeemLinkTicket,
  type SocialFlowDeps,
  startAuthorization,
  takeFlow,
} from "../sign-in-flow";

/** The flow's ports and settings for this request. */
export function socialFlowDeps(c: Context<AppEnv>): SocialFlowDeps {
  const services = c.get("services");
  const config = c.get("config").social;
  return {
    providers: services.identityProviders,
    flows: services.oauthFlows,
    identities: services.identities,
    signIn: services.signIn,
    audit: services.audit,
    redirectUris: config.redirectUris,
    linkVerifiedEmail: config.linkVerifiedEmail,
  };
}

/** Where the provider sends the user back: this Worker's own origin, as the request reached it. */
const callbackUrlOf = (c: Context<AppEnv>, providerId: string): string =>
  `${new URL(c.req.url).origin}/v1/oauth/${providerId}/callback`;

const TokenBody = z.object({
  code: z.string().min(1).max(128),
  code_verifier: z.string().min(1).max(128),
});

const ProviderParam = z.object({ provider: z.string().describe("a provider id, e.g. `google`") });

/** What the authorize endpoint reads from its query (the handler reads each one itself). */
const AuthorizeQuery = z.object({
  redirect_uri: z
    .string()
    .optional()
    .describe("exactly one of OAUTH_REDIRECT_URIS; required unless `link_ticket` is sent"),
  state: z.string().max(512).optional().describe("the app's own state, sent back as is"),
  login_hint: z.string().max(256).optional(),
  code_challenge: z
    .string()
    .optional()
    .describe("app mode (RFC 8252): an RFC 7636 S256 challenge; the callback answers a `code`"),
  code_challenge_method: z.literal("S256").optional(),
  link_ticket: z
    .string()
    .optional()
    .describe("from POST /v1/identities/link: links the identity to that account"),
});

/** The provider's redirect back (RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207 `iss`). */
const CallbackQuery = z.object({
  state: z.string().optional(),
  code: z.string().optional(),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});

const ProvidersSchema = z.strictObject({
  providers: z.array(
    z.strictObject({ id: z.string(), name: z.string(), authorize_url: z.string() }),
  ),
});

const errors = socialErrors.specs;

/**
 * Social login (README "Social login"): start, callback, and the app's code
 * exchange (RFC 8252). Once the redirect_uri is known to be registered, every
 * error goes back to it (RFC 6749 §4.1.2.1); before that, a JSON error.
 */
export const oauthRoutes = new Hono<AppEnv>()
  .get(
    "/v1/oauth/providers",
    describeRoute({
      tag: "social",
      summary: "The sign-in providers that are on, for login buttons",
      responses: { 200: { description: "the providers", schema: ProvidersSchema } },
      errors: [],
    }),
    (c) => {
      c.header("Cache-Control", "no-store");
      return c.json({
        providers: c
          .get("services")
          .identityProviders.list()
          .map((p) => ({ id: p.id, name: p.label, authorize_url: `/v1/oauth/${p.id}/authorize` })),
      });
    },
  )
  .get(
    "/v1/oauth/:provider/authorize",
    describeRoute({
      tag: "social",
      summary: "Start a sign-in (or a link) with a provider",
      description:
        "Redirects to the provider with this service's own state, PKCE (RFC 7636) and nonce. Once `redirect_uri` is known to be registered, errors go back to it as `error` (RFC 6749 §4.1.2.1), `error_code` and `error_description` on a 303; before that (unknown provider, unlisted `redirect_uri`, a bad `link_ticket`) a JSON error.",
      params: ProviderParam,
      query: AuthorizeQuery,
      responses: {
        302: {
          description: "to the provider; sets the `__Host-oauth-flow` cookie",
          headers: ["Location", "Set-Cookie"],
        },
        303: { description: "back to `redirect_uri` with the error", headers: ["Location"] },
      },
      errors: [errors.unknown_provider, errors.invalid_redirect_uri, errors.invalid_state],
      limited: true,
    }),
    limitByIp("oauth_ip", { failOpen: false }),
    async (c) => {
      const deps = socialFlowDeps(c);
      const provider = providerOf(deps, c.req.param("provider"));
      // A link started with a Bearer token arrives here as a one-time ticket.
      const ticket = c.req.query("link_ticket");
      const link = ticket === undefined ? null : await redeemLinkTicket(deps, provider.id, ticket);
      const redirectUri = link?.redirectUri ?? checkRedirectUri(deps, c.req.query("redirect_uri"));
      const appState = link ? (link.appState ?? undefined) : c.req.query("state");
      try {
        const started = await startAuthorization(deps, {
          provider,
          redirectUri,
          appState,
          // A link carries the challenge of the client that started it (issueLinkTicket).
          codeChallenge: link ? link.codeChallenge : c.req.query("code_challenge"),
          codeChallengeMethod: link ? "S256" : c.req.query("code_challenge_method"),
          loginHint: c.req.query("login_hint"),
          callbackUrl: callbackUrlOf(c, provider.id),
          ...(link ? { linkUserId: link.userId } : {}),
        });
        setFlowCookie(c, started.browserSecret);
        c.header("Cache-Control", "no-store");
        return c.redirect(started.url, 302);
      } catch (err) {
        return errorRedirect(c, redirectUri, appState ?? null, err);
      }
    },
  )
  .get(
    "/v1/oauth/:provider/callback",
    describeRoute({
      tag: "social",
      summary: "The provider's redirect back: finish the sign-in or the link",
      description:
        "Always a 303 to the flow's `redirect_uri`, with the app's `state`: browser mode sets `__Host-refresh`; app mode (RFC 8252) adds a one-time `code` for POST /v1/oauth/token; a link adds a one-time `link_code` for POST /v1/identities/link/complete; a due second factor adds `mfa_required=true` and `mfa_token`; a refusal adds `error` (RFC 6749 §4.1.2.1), `error_code` (e.g. `account_exists`, `account_disabled`) and `error_description`. Only a flow that cannot be found (missing, unknown, used, another provider's or another browser's `state`) answers a JSON error.",
      params: ProviderParam,
      query: CallbackQuery,
      responses: {
        303: {
          description: "back to the flow's `redirect_uri`",
          headers: ["Location", "Set-Cookie"],
        },
      },
      errors: [errors.unknown_provider, errors.invalid_state],
      limited: true,
    }),
    limitByIp("oauth_ip", { failOpen: false }),
    async (c) => {
      const deps = socialFlowDeps(c);
      const provider = providerOf(deps, c.req.param("provider"));
      const query = new URL(c.req.url).searchParams;
      const browserSecret = getCookie(c, FLOW_COOKIE);
      if (browserSecret !== undefined)
        deleteCookie(c, "oauth-flow", { prefix: "host", path: "/", secure: true });
      const flow = await takeFlow(
        deps,
        provider.id,
        query.get("state") ?? undefined,
        browserSecret,
      );
      try {
        const result = await finishAuthorization(deps, {
          flow,
          provider,
          query,
          callbackUrl: callbackUrlOf(c, provider.id),
          userAgent: c.req.header("user-agent") ?? null,
          ip: c.req.header("cf-connecting-ip") ?? null,
        });
        const back: Record<string, string> = {};
        switch (result.kind) {
          case "app_code":
            back.code = result.code;
            break;
          case "link_code":
            back.link_code = result.code;
            break;
          case "signed_in":
            if (result.outcome.kind === "session") setRefreshCookie(c, result.outcome.tokens);
            else {
              back.mfa_required = "true";
              back.mfa_token = result.outcome.challenge;
            }
            break;
        }
        return redirectBack(c, flow.redirectUri, { ...back, ...stateParam(flow.appState) });
      } catch (err) {
        return errorRedirect(c, flow.redirectUri, flow.appState, err);
      }
    },
  )
  .post(
    "/v1/oauth/token",
    describeRoute({
      tag: "social",
      summary: "Redeem the app's one-time code for the token pair",
      description:
        "RFC 8252: the `code` the callback sent to the app, once and within 60 s, with the verifier of its S256 challenge (RFC 7636 §4.6). Unknown, expired, used and wrong-verifier codes all answer `invalid_grant` (RFC 6749 §5.2). A due second factor answers `mfa_required` instead.",
      responses: {
        200: { description: "signed in, or a second factor is due", schema: SignInAnswerSchema },
      },
      errors: [
        errors.invalid_code,
        authErrors.specs.account_disabled,
        authErrors.specs.email_not_verified,
      ],
      limited: true,
    }),
    limitByIp("oauth_ip", { failOpen: false }),
    jsonBody(TokenBody),
    async (c) => {
      const body = c.req.valid("json");
      const outcome = await redeemAppCode(socialFlowDeps(c), {
        code: body.code,
        codeVerifier: body.code_verifier,
        userAgent: c.req.header("user-agent") ?? null,
        ip: c.req.header("cf-connecting-ip") ?? null,
      });
      return signInResponse(c, outcome, "body");
    },
  );

/**
 * The browser's half of a flow: `__Host-` (this origin only, Secure, Path=/),
 * HttpOnly, and SameSite=Lax, not Strict: the provider's redirect back is a
 * cross-site navigation, on which a Strict cookie would not be sent.
 */
const FLOW_COOKIE = "__Host-oauth-flow";

function setFlowCookie(c: Context<AppEnv>, secret: string): void {
  setCookie(c, "oauth-flow", secret, {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: FLOW_TTL_SECONDS,
  });
}

const stateParam = (state: string | null): Record<string, string> =>
  state === null ? {} : { state };

/**
 * A 303 to a registered redirect URI with these parameters added to its query.
 * The code or token in it must not leak onward: no caching, no Referer.
 */
function redirectBack(c: Context<AppEnv>, redirectUri: string, params: Record<string, string>) {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  return c.redirect(url.href, 303);
}

/** RFC 6749 §4.1.2.1 error codes, by our error's status. */
function rfcErrorOf(err: AuthError): string {
  if (err.code === "invalid_request") return "invalid_request";
  if (err.status === 503) return "temporarily_unavailable";
  if (err.status === 502) return "server_error";
  return "access_denied";
}

/**
 * An error sent back to the client's registered redirect URI: `error` as RFC
 * 6749 §4.1.2.1 names it, `error_code` our stable code, `error_description`
 * our text (never the provider's). Anything unexpected goes to the funnel.
 */
function errorRedirect(
  c: Context<AppEnv>,
  redirectUri: string,
  appState: string | null,
  err: unknown,
) {
  if (!(err instanceof AuthError)) throw err;
  // Logged as the error funnel logs a refusal (it never reaches the funnel).
  logRefusal(c.get("requestId"), err);
  return redirectBack(c, redirectUri, {
    error: rfcErrorOf(err),
    error_code: err.code,
    ...(err.description ? { error_description: err.description } : {}),
    ...stateParam(appState),
  });
}
