import type { Context } from "hono";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { httpErrors, invalidRequest, notConfigured } from "../../../errors";
import { limitByIp } from "../../../middleware/rate-limit";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { SignInAnswerSchema } from "../../../routes/response-schemas";
import { requireAllowedOrigin, signInResponse } from "../../../routes/token-response";
import { jsonBody } from "../../../routes/validate";
import { legacyErrors } from "../errors";
import { exchangeLegacySession } from "../exchange";

const ExchangeBody = z.object({
  session_key: z.string().max(512).optional(),
  token_transport: z.enum(["body", "cookie"]).default("body"),
});

/**
 * Grandfathered sessions of the monolith (docs/migration.md): a still-valid
 * legacy session, from the body or the monolith's own cookie on the same
 * site, becomes a normal token pair, once. Off (404) until LEGACY_CUTOVER_AT
 * is set: nothing is exchangeable without a deadline.
 */
export const sessionExchangeRoutes = new Hono<AppEnv>().post(
  "/v1/legacy/exchange",
  describeRoute({
    tag: "legacy",
    summary: "Trade a session of the legacy monolith for a token pair, once",
    description:
      "The session key comes from the body or, failing that, from the monolith's cookie (then only from an allowed Origin). One answer for unknown, expired, used and too-late sessions (RFC 6749 §5.2 `invalid_grant`). The sign-in goes through the same gates as a password login, so it may answer `mfa_required` instead of tokens.",
    responses: {
      200: { description: "signed in, or a second factor is due", schema: SignInAnswerSchema },
    },
    errors: [
      // Off until LEGACY_CUTOVER_AT is set.
      httpErrors.specs.not_configured,
      legacyErrors.specs.invalid_session,
      authErrors.specs.invalid_origin,
      // The sign-in's own refusals (auth/sign-in.ts, the verification gate).
      authErrors.specs.account_disabled,
      authErrors.specs.email_not_verified,
    ],
    limited: true,
  }),
  async (c, next) => {
    if (c.get("config").legacy.sessionDeadlineMs === undefined)
      throw notConfigured("the legacy session exchange", "LEGACY_CUTOVER_AT");
    await next();
  },
  // A session key is a credential: limited like a login, per IP, failing closed.
  limitByIp("login_ip", { failOpen: false }),
  jsonBody(ExchangeBody),
  async (c) => {
    const config = c.get("config");
    const deadlineMs = config.legacy.sessionDeadlineMs as number;
    const services = c.get("services");
    const body = c.req.valid("json");
    const sessionKey = legacyKeyOf(c, body.session_key);
    if (sessionKey === undefined) {
      throw invalidRequest("session_key or the legacy session cookie is required");
    }
    const outcome = await exchangeLegacySession(
      {
        store: services.legacy,
        signIn: services.signIn,
        deadlineMs,
      },
      {
        sessionKey,
        transport: body.token_transport,
        userAgent: c.req.header("user-agent") ?? null,
        ip: c.req.header("cf-connecting-ip") ?? null,
      },
    );
    return signInResponse(c, outcome, body.token_transport);
  },
);

/**
 * The session key: from the body, else from the monolith's cookie. The browser
 * sends that cookie on its own, so (as for cookie-mode refresh) such a request
 * must come from an allowed Origin, with a JSON body no cross-site form can send.
 */
function legacyKeyOf(c: Context<AppEnv>, bodyKey: string | undefined): string | undefined {
  if (bodyKey !== undefined) return bodyKey;
  const config = c.get("config");
  const cookie = getCookie(c, config.legacy.sessionCookie);
  if (cookie === undefined) return undefined;
  requireAllowedOrigin(c);
  return cookie;
}
