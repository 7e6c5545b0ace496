// Social login end to end in workerd, against real local providers (dev/stack:
// panva's oidc-provider standing in for Google, LinkedIn and a generic IdP; a
// server speaking GitHub's OAuth and REST shapes), real Postgres and Redis.
import { describe, expect, it } from "vitest";
import { call, GOOD_PASSWORD, postJson, uniqueEmail } from "./helpers";
import { sql } from "./mail-helpers";
import { newUser } from "./session-helpers";
import {
  APP_REDIRECT,
  appCode,
  auditEvents,
  browserSignIn,
  claimsOf,
  githubAccount,
  identitiesOf,
  identityRows,
  locationOf,
  OIDC_PROVIDERS,
  oidcAccount,
  refreshCookieOf,
  userByEmail,
  WEB_REDIRECT,
} from "./social-helpers";

const ORIGIN = "https://app.example.test";

/** Trades a refresh cookie for an access token, as the browser app does. */
async function refreshWithCookie(cookie: string): Promise<string> {
  const res = await call("/v1/token/refresh", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: `__Host-refresh=${cookie}`,
      origin: ORIGIN,
    },
    body: "{}",
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe("GET /v1/oauth/providers", () => {
  it("lists the providers that have a client id, for login buttons", async () => {
    const res = await call("/v1/oauth/providers");
    expect(res.status).toBe(200);
    const { providers } = (await res.json()) as { providers: Array<{ id: string; name: string }> };
    expect(providers.map((p) => p.id)).toEqual(["google", "linkedin", "github", "acme"]);
    expect(providers.find((p) => p.id === "acme")?.name).toBe("Acme SSO");
  });

  it("answers 404 for a provider that is not configured", async () => {
    const res = await call(
      `/v1/oauth/facebook/authorize?redirect_uri=${encodeURIComponent(WEB_REDIRECT)}`,
    );
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe("unknown_provider");
  });
});

describe("browser mode", () => {
  for (const provider of OIDC_PROVIDERS) {
    it(`${provider}: a new person gets an account, the refresh cookie and a 303 to the app`, async () => {
      const person = await oidcAccount(provider);
      const res = await browserSignIn(provider, person, { state: "xyz-1" });
      expect(res.status).toBe(303);
      const back = locationOf(res);
      expect(`${back.origin}${back.pathname}`).toBe(WEB_REDIRECT);
      expect(back.searchParams.get("state")).toBe("xyz-1");
      expect(back.searchParams.has("error")).toBe(false);
      // Nothing secret in the URL: the session is in the cookie.
      expect([...back.searchParams.keys()]).toEqual(["state"]);
      const cookie = refreshCookieOf(res);
      expect(cookie).toBeTruthy();
      const setCookie = res.headers.getSetCookie().join("\n");
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);

      const access = await refreshWithCookie(cookie as string);
      const claims = claimsOf(access);
      expect(claims.amr).toEqual(["fed"]);
      expect(claims.email_verified).toBe(true);
      const user = await userByEmail(person.email as string);
      expect(user?.id).toBe(claims.sub);
      expect(user?.password_hash).toBeNull();

      const ids = await identitiesOf(access);
      expect(ids.password_set).toBe(false);
      expect(ids.identities.map((i) => i.provider)).toEqual([provider]);

      const events = await auditEvents(["social_account_created", "social_login_succeeded"]);
      const mine = events.filter((e) => e.user_id === claims.sub);
      expect(mine.map((e) => e.type).sort()).toEqual([
        "social_account_created",
        "social_login_succeeded",
      ]);
      for (const e of mine) expect(e.details.provider).toBe(provider);
    });
  }

  it("the same identity signs in to the same account again", async () => {
    const person = await oidcAccount("google");
    const first = await refreshWithCookie(
      refreshCookieOf(await browserSignIn("google", person)) as string,
    );
    const second = await refreshWithCookie(
      refreshCookieOf(await browserSignIn("google", person)) as string,
    );
    expect(claimsOf(second).sub).toBe(claimsOf(first).sub);
    expect(claimsOf(second).sid).not.toBe(claimsOf(first).sid);
  });

  it("github: the primary, verified address makes the account", async () => {
    const person = await githubAccount({
      emails: [
        { email: uniqueEmail("gh-secondary"), primary: false, verified: true },
        { email: uniqueEmail("gh-primary"), primary: true, verified: true },
      ],
    });
    const res = await browserSignIn("github", person);
    expect(res.status).toBe(303);
    const access = await refreshWithCookie(refreshCookieOf(res) as string);
    const user = await userByEmail(person.emails[1]?.email as string);
    expect(user?.id).toBe(claimsOf(access).sub);
    expect(await identityRows("github", String(person.id))).toEqual([{ user_id: user?.id }]);
  });

  it("an account without a password cannot log in with one, and cannot change one it lacks", async () => {
    const person = await oidcAccount("google");
    const access = await refreshWithCookie(
      refreshCookieOf(await browserSignIn("google", person)) as string,
    );
    const login = await postJson("/v1/login", { email: person.email, password: GOOD_PASSWORD });
    expect(login.status).toBe(401);
    expect(((await login.json()) as { error: string }).error).toBe("invalid_credentials");
    const change = await postJson(
      "/v1/password/change",
      { current_password: GOOD_PASSWORD, new_password: `${GOOD_PASSWORD}!x` },
      { authorization: `Bearer ${access}` },
    );
    expect(change.status).toBe(409);
    expect(((await change.json()) as { error: string }).error).toBe("password_not_set");
  });
});

describe("app mode (RFC 8252)", () => {
  it("a one-time code bound to the app's PKCE challenge becomes the token pair", async () => {
    const person = await oidcAccount("linkedin");
    const { code, verifier, redirect } = await appCode("linkedin", person, "st-42");
    expect(`${redirect.protocol}${redirect.pathname}`).toBe(APP_REDIRECT);
    expect(redirect.searchParams.get("state")).toBe("st-42");
    const res = await postJson("/v1/oauth/token", { code, code_verifier: verifier });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    expect(body.refresh_token).toBeTruthy();
    expect(claimsOf(body.access_token).amr).toEqual(["fed"]);
    expect((await userByEmail(person.email as string))?.id).toBe(claimsOf(body.access_token).sub);
  });

  it("the code works once", async () => {
    const person = await oidcAccount("google");
    const { code, verifier } = await appCode("google", person);
    expect((await postJson("/v1/oauth/token", { code, code_verifier: verifier })).status).toBe(200);
    const again = await postJson("/v1/oauth/token", { code, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("a wrong verifier is refused and spends the code", async () => {
    const person = await oidcAccount("google");
    const { code, verifier } = await appCode("google", person);
    const wrong = await postJson("/v1/oauth/token", {
      code,
      code_verifier: verifier.replace(/.$/, (ch) => (ch === "a" ? "b" : "a")),
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_grant");
    const right = await postJson("/v1/oauth/token", { code, code_verifier: verifier });
    expect(right.status).toBe(400);
  });

  it("concurrent redemptions of one code: exactly one gets tokens", async () => {
    const person = await oidcAccount("acme");
    const { code, verifier } = await appCode("acme", person);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        postJson("/v1/oauth/token", { code, code_verifier: verifier }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400]);
  });

  it("a plain (non-S256) challenge is refused back at the redirect URI", async () => {
    const res = await call(
      `/v1/oauth/google/authorize?${new URLSearchParams({
        redirect_uri: APP_REDIRECT,
        code_challenge: "a".repeat(43),
        code_challenge_method: "plain",
        state: "s1",
      })}`,
    );
    expect(res.status).toBe(303);
    const back = locationOf(res);
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("state")).toBe("s1");
  });
});

describe("accounts and linking", () => {
  it("joins the account with the same address when both sides verified it", async () => {
    const local = await newUser("social-link");
    await sql()`update users set email_verified_at = now() where id = ${local.id}`;
    const person = await oidcAccount("google", { email: local.email });
    const access = await refreshWithCookie(
      refreshCookieOf(await browserSignIn("google", person)) as string,
    );
    expect(claimsOf(access).sub).toBe(local.id);
    const ids = await identitiesOf(access);
    expect(ids.password_set).toBe(true);
    expect(ids.identities.map((i) => i.provider)).toEqual(["google"]);
    const linked = (await auditEvents(["identity_linked"])).filter((e) => e.user_id === local.id);
    expect(linked.map((e) => e.details)).toEqual([{ provider: "google", via: "verified_email" }]);
  });

  it("never joins an account that has not verified the address (pre-registration takeover)", async () => {
    const squatter = await newUser("social-squat");
    const victim = await oidcAccount("google", { email: squatter.email });
    const res = await browserSignIn("google", victim, { state: "s2" });
    expect(res.status).toBe(303);
    const back = locationOf(res);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_code")).toBe("account_exists");
    expect(back.searchParams.get("state")).toBe("s2");
    expect(refreshCookieOf(res)).toBeNull();
    expect(await identityRows("google", victim.sub)).toEqual([]);
  });

  it("an unverified provider address makes no account and joins none", async () => {
    for (const flag of [false, "true", "false", 1, undefined]) {
      const person = await oidcAccount("acme", { email_verified: flag });
      const res = await browserSignIn("acme", person);
      const back = locationOf(res);
      expect(back.searchParams.get("error_code"), String(flag)).toBe("verified_email_required");
      expect(await userByEmail(person.email as string)).toBeNull();
    }
  });

  it("github: no primary verified address, no account", async () => {
    const email = uniqueEmail("gh-unverified");
    const person = await githubAccount({
      emails: [
        { email, primary: true, verified: false },
        { email: uniqueEmail("gh-other"), primary: false, verified: true },
      ],
    });
    const back = locationOf(await browserSignIn("github", person));
    expect(back.searchParams.get("error_code")).toBe("verified_email_required");
    expect(await userByEmail(email)).toBeNull();
  });

  it("concurrent first sign-ins of one new identity make one account", async () => {
    const person = await oidcAccount("google");
    const results = await Promise.all([
      browserSignIn("google", person),
      browserSignIn("google", person),
      browserSignIn("google", person),
    ]);
    const subs = await Promise.all(
      results.map(async (r) => {
        expect(locationOf(r).searchParams.has("error")).toBe(false);
        return claimsOf(await refreshWithCookie(refreshCookieOf(r) as string)).sub;
      }),
    );
    expect(new Set(subs).size).toBe(1);
    expect(await identityRows("google", person.sub)).toHaveLength(1);
    const rows =
      (await sql()`select count(*)::int as n from users where lower(email) = lower(${person.email as string})`) as Array<{
        n: number;
      }>;
    expect(rows[0]?.n).toBe(1);
  });
});
