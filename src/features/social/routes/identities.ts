import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { limitByIp } from "../../../middleware/rate-limit";
import { requireAuth } from "../../../middleware/require-auth";
import { requireRecentAuth } from "../../../middleware/require-recent-auth";
import { attemptSource, passwordCheckDeps } from "../../../routes/account-deps";
import { UUID } from "../../../routes/fields";
import { jsonBody } from "../../../routes/validate";
import { socialErrors } from "../errors";
import { requireReauthentication } from "../reauthentication";
import { checkRedirectUri, issueLinkTicket, providerOf } from "../sign-in-flow";
import { socialFlowDeps } from "./oauth";

const LinkBody = z.object({
  provider: z.string().min(1).max(32),
  redirect_uri: z.string().min(1).max(2048),
  state: z.string().max(512).optional(),
  password: z.string().max(4096).optional(),
});

/** The signed-in user's linked identities: list, link another, unlink one. */
export const identityRoutes = new Hono<AppEnv>()
  .use("/v1/identities", requireAuth)
  .use("/v1/identities/*", requireAuth)
  .get("/v1/identities", async (c) => {
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
  })
  .post(
    "/v1/identities/link",
    limitByIp("oauth_ip", { failOpen: false }),
    jsonBody(LinkBody),
    async (c) => {
      const services = c.get("services");
      const claims = c.get("claims");
      const body = c.req.valid("json");
      const deps = socialFlowDeps(c);
      const provider = providerOf(deps, body.provider);
      const redirectUri = checkRedirectUri(deps, body.redirect_uri);
      const user = await services.users.findById(claims.sub);
      if (!user) throw authErrors.error("account_gone");
      await requireReauthentication(
        {
          passwordCheck: passwordCheckDeps(c),
          now: services.clock.now(),
          maxAgeSeconds: c.get("config").reauthMaxAgeSeconds,
        },
        { user, claims, password: body.password, source: attemptSource(c) },
      );
      const ticket = await issueLinkTicket(deps, {
        provider,
        redirectUri,
        appState: body.state,
        userId: user.id,
      });
      // The browser opens this; the authorize endpoint starts the flow there,
      // bound to that browser, for the account the ticket names.
      const url = new URL(`/v1/oauth/${provider.id}/authorize`, c.req.url);
      url.searchParams.set("link_ticket", ticket);
      c.header("Cache-Control", "no-store");
      return c.json({ authorization_url: url.href });
    },
  )
  .delete("/v1/identities/:id", requireRecentAuth, async (c) => {
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
  });
