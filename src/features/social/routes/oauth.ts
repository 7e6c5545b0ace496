import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { AuthError, logRefusal } from "../../../errors";
import { limitByIp } from "../../../middleware/rate-limit";
import { setRefreshCookie, signInResponse } from "../../../routes/token-response";
import { jsonBody } from "../../../routes/validate";
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

/**
 * Social login (README "Social login"): start, callback, and the app's code
 * exchange (RFC 8252). Once the redirect_uri is known to be registered, every
 * error goes back to it (RFC 6749 §4.1.2.1); before that, a JSON error.
 */
export const oauthRoutes = new Hono<AppEnv>()
  .get("/v1/oauth/providers", (c) => {
    c.header("Cache-Control", "no-store");
    return c.json({
      providers: c
        .get("services")
        .identityProviders.list()
        .map((p) => ({ id: p.id, name: p.label, authorize_url: `/v1/oauth/${p.id}/authorize` })),
    });
  })
  .get("/v1/oauth/:provider/authorize", limitByIp("oauth_ip", { failOpen: false }), async (c) => {
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
        codeChallenge: link ? undefined : c.req.query("code_challenge"),
        codeChallengeMethod: link ? undefined : c.req.query("code_challenge_method"),
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
  })
  .get("/v1/oauth/:provider/callback", limitByIp("oauth_ip", { failOpen: false }), async (c) => {
    const deps = socialFlowDeps(c);
    const provider = providerOf(deps, c.req.param("provider"));
    const query = new URL(c.req.url).searchParams;
    const browserSecret = getCookie(c, FLOW_COOKIE);
    if (browserSecret !== undefined)
      deleteCookie(c, "oauth-flow", { prefix: "host", path: "/", secure: true });
    const flow = await takeFlow(deps, provider.id, query.get("state") ?? undefined, browserSecret);
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
        case "linked":
          back.linked = result.provider;
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
  })
  .post(
    "/v1/oauth/token",
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
