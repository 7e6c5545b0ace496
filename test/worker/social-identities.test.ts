// Linked identities: listing, linking another provider while signed in (after
// re-authentication), and unlinking without ever removing the last way in.
import { describe, expect, it, vi } from "vitest";
import { call, GOOD_PASSWORD, postJson } from "./helpers";
import { sql } from "./mail-helpers";
import { login, newUser, refresh } from "./session-helpers";
import {
  appCode,
  auditEvents,
  callback,
  claimsOf,
  githubAccount,
  identitiesOf,
  identityRows,
  locationOf,
  newVerifier,
  oidcAccount,
  s256,
  throughProvider,
  WEB_REDIRECT,
} from "./social-helpers";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A passwordless account made by an app sign-in at this provider; its fresh token pair. */
async function socialUser(provider = "google") {
  const person = await oidcAccount(provider);
  const { code, verifier } = await appCode(provider, person);
  const res = await postJson("/v1/oauth/token", { code, code_verifier: verifier });
  expect(res.status).toBe(200);
  const tokens = (await res.json()) as { access_token: string; refresh_token: string };
  return {
    person,
    access: tokens.access_token,
    refresh: tokens.refresh_token,
    userId: claimsOf(tokens.access_token).sub as string,
  };
}

const unlink = (access: string, id: string) =>
  call(`/v1/identities/${id}`, { method: "DELETE", headers: bearer(access) });

/** POST /v1/identities/link with the S256 challenge of `verifier` (a fresh one if not given). */
async function linkStart(
  access: string,
  body: Record<string, unknown>,
  verifier: string = newVerifier(),
) {
  return postJson(
    "/v1/identities/link",
    {
      redirect_uri: WEB_REDIRECT,
      code_challenge: await s256(verifier),
      code_challenge_method: "S256",
      ...body,
    },
    bearer(access),
  );
}

const linkComplete = (access: string, code: string, verifier: string) =>
  postJson("/v1/identities/link/complete", { code, code_verifier: verifier }, bearer(access));

/**
 * Starts a link to GitHub and takes it through the provider in one browser;
 * answers the callback's response and the link_code it carries (not yet completed).
 */
async function linkThroughProvider(access: string, body: Record<string, unknown>, login?: string) {
  const gh = login ? { login } : await githubAccount();
  const verifier = newVerifier();
  const res = await linkStart(access, { provider: "github", state: "ln", ...body }, verifier);
  expect(res.status).toBe(200);
  const { authorization_url } = (await res.json()) as { authorization_url: string };
  const url = new URL(authorization_url);
  url.searchParams.set("login_hint", gh.login);
  // The browser opens the URL: our authorize endpoint, which starts the flow there.
  const start = await call(`${url.pathname}${url.search}`);
  const back = await callback(await throughProvider(start));
  expect(back.status).toBe(303);
  return { back, code: locationOf(back).searchParams.get("link_code"), verifier, gh };
}

/** A whole link to GitHub by the client that started it; answers the completion's response. */
async function linkGitHub(access: string, body: Record<string, unknown> = {}, login?: string) {
  const { back, code, verifier, gh } = await linkThroughProvider(access, body, login);
  expect(code, locationOf(back).href).toBeTruthy();
  return { res: await linkComplete(access, code as string, verifier), back, gh };
}

describe("GET /v1/identities", () => {
  it("needs a bearer token", async () => {
    expect((await call("/v1/identities")).status).toBe(401);
  });

  it("a password account with no identity lists none", async () => {
    const u = await newUser("ident-none");
    const { access_token } = await login(u.email);
    expect(await identitiesOf(access_token)).toEqual({ password_set: true, identities: [] });
  });
});

describe("linking while signed in", () => {
  it("a fresh passwordless session links GitHub: the callback hands its client a code, completing it links, and the list shows both", async () => {
    const u = await socialUser();
    const { res, back, gh } = await linkGitHub(u.access);
    expect(locationOf(back).searchParams.get("state")).toBe("ln");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ provider: "github" });
    const list = await identitiesOf(u.access);
    expect(list.identities.map((i) => i.provider).sort()).toEqual(["github", "google"]);
    const linked = (await auditEvents(["identity_linked"])).filter((e) => e.user_id === u.userId);
    expect(linked.map((e) => e.details)).toEqual([{ provider: "github", via: "signed_in" }]);
    // The linked GitHub identity now signs in to the same account.
    const start = await call(
      `/v1/oauth/github/authorize?${new URLSearchParams({ redirect_uri: WEB_REDIRECT, login_hint: gh.login })}`,
    );
    const again = await callback(await throughProvider(start));
    expect(locationOf(again).searchParams.has("error")).toBe(false);
  });

  it("a password account must confirm its password", async () => {
    const u = await newUser("ident-pw");
    const { access_token } = await login(u.email);
    const without = await linkStart(access_token, { provider: "github" });
    expect(without.status).toBe(401);
    expect(((await without.json()) as { error: string }).error).toBe("reauthentication_required");
    const wrong = await linkStart(access_token, {
      provider: "github",
      password: `${GOOD_PASSWORD}x`,
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_credentials");
    const { res } = await linkGitHub(access_token, { password: GOOD_PASSWORD });
    expect(res.status).toBe(200);
  });

  it("a passwordless account whose sign-in is older than REAUTH_MAX_AGE_SECONDS must sign in again", async () => {
    const u = await socialUser();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 16 * 60_000);
      // A refresh is not an authentication: the new token keeps the old auth_time.
      const refreshed = await refresh(u.refresh);
      expect(refreshed.status).toBe(200);
      const { access_token } = (await refreshed.json()) as { access_token: string };
      expect(claimsOf(access_token).auth_time).toBe(claimsOf(u.access).auth_time);
      const res = await linkStart(access_token, { provider: "github" });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("reauthentication_required");
      const [only] = (await identitiesOf(access_token)).identities;
      const unlinked = await unlink(access_token, only?.id as string);
      expect(unlinked.status).toBe(401);
      expect(((await unlinked.json()) as { error: string }).error).toBe(
        "insufficient_user_authentication",
      );
      expect(unlinked.headers.get("www-authenticate")).toMatch(/max_age="900"/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("an identity linked to another account is refused and stays where it is", async () => {
    const owner = await socialUser();
    const { gh } = await linkGitHub(owner.access);
    const other = await socialUser();
    const { res } = await linkGitHub(other.access, {}, gh.login);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe("identity_taken");
    expect((await identitiesOf(other.access)).identities.map((i) => i.provider)).toEqual([
      "google",
    ]);
    expect((await identitiesOf(owner.access)).identities.map((i) => i.provider).sort()).toEqual([
      "github",
      "google",
    ]);
  });

  it("a link ticket opens once, for its own provider only", async () => {
    const u = await socialUser();
    const res = await linkStart(u.access, { provider: "github" });
    const url = new URL(((await res.json()) as { authorization_url: string }).authorization_url);
    const crossed = await call(`/v1/oauth/acme/authorize${url.search}`);
    expect(crossed.status).toBe(400);
    expect(((await crossed.json()) as { error: string }).error).toBe("invalid_state");
    // The crossed attempt spent it.
    const again = await call(`${url.pathname}${url.search}`);
    expect(again.status).toBe(400);
    const res2 = await linkStart(u.access, { provider: "github" });
    const url2 = new URL(((await res2.json()) as { authorization_url: string }).authorization_url);
    expect((await call(`${url2.pathname}${url2.search}`)).status).toBe(302);
    expect((await call(`${url2.pathname}${url2.search}`)).status).toBe(400);
  });

  it("a link ticket opened in someone else's browser links nothing: the code that reaches that browser completes for no one", async () => {
    // The attacker starts a link on their own account and sends the URL to a victim.
    const attacker = await socialUser();
    const victim = await socialUser();
    const victimGitHub = await githubAccount();
    const verifier = newVerifier();
    const started = await linkStart(attacker.access, { provider: "github" }, verifier);
    const { authorization_url } = (await started.json()) as { authorization_url: string };
    const url = new URL(authorization_url);
    url.searchParams.set("login_hint", victimGitHub.login);
    // The victim's browser opens it and goes through GitHub as the victim.
    const back = await callback(await throughProvider(await call(`${url.pathname}${url.search}`)));
    const code = locationOf(back).searchParams.get("link_code") as string;
    expect(code).toBeTruthy();
    // Nothing is linked yet.
    expect(await identityRows("github", String(victimGitHub.id))).toEqual([]);
    // The victim's app, signed in as the victim, tries the code (even with the
    // attacker's verifier): refused, and the code is spent.
    const byVictim = await linkComplete(victim.access, code, verifier);
    expect(byVictim.status).toBe(400);
    expect(((await byVictim.json()) as { error: string }).error).toBe("invalid_grant");
    const byAttacker = await linkComplete(attacker.access, code, verifier);
    expect(byAttacker.status).toBe(400);
    expect(await identityRows("github", String(victimGitHub.id))).toEqual([]);
    expect((await identitiesOf(attacker.access)).identities.map((i) => i.provider)).toEqual([
      "google",
    ]);
    const refused = (await auditEvents(["social_login_failed"])).filter(
      (e) => e.user_id === attacker.userId,
    );
    expect(refused.map((e) => e.details)).toEqual([
      { provider: "github", reason: "link_completed_by_another_account" },
    ]);
  });

  it("a link code needs the verifier of its challenge, and a wrong one spends it", async () => {
    const u = await socialUser();
    const { code, verifier } = await linkThroughProvider(u.access, {});
    const wrong = await linkComplete(u.access, code as string, newVerifier());
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await linkComplete(u.access, code as string, verifier)).status).toBe(400);
    expect((await identitiesOf(u.access)).identities.map((i) => i.provider)).toEqual(["google"]);
  });

  it("a link must carry an S256 code_challenge", async () => {
    const u = await socialUser();
    const plain = await linkStart(u.access, {
      provider: "github",
      code_challenge: "x".repeat(43),
      code_challenge_method: "plain",
    });
    expect(plain.status).toBe(400);
    const none = await postJson(
      "/v1/identities/link",
      { provider: "github", redirect_uri: WEB_REDIRECT },
      bearer(u.access),
    );
    expect(none.status).toBe(400);
  });

  it("refuses an unlisted redirect_uri and an unknown provider before anything starts", async () => {
    const u = await socialUser();
    const bad = await linkStart(u.access, {
      provider: "github",
      redirect_uri: "https://evil.test/cb",
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe("invalid_redirect_uri");
    const unknown = await linkStart(u.access, { provider: "myspace" });
    expect(unknown.status).toBe(404);
  });
});

describe("unlinking", () => {
  it("refuses to remove a passwordless account's only identity", async () => {
    const u = await socialUser();
    const [only] = (await identitiesOf(u.access)).identities;
    const res = await unlink(u.access, only?.id as string);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe("last_sign_in_method");
    expect((await identitiesOf(u.access)).identities).toHaveLength(1);
  });

  it("removes one of two identities, audited with its provider", async () => {
    const u = await socialUser();
    await linkGitHub(u.access);
    const github = (await identitiesOf(u.access)).identities.find((i) => i.provider === "github");
    expect((await unlink(u.access, github?.id as string)).status).toBe(204);
    expect((await identitiesOf(u.access)).identities.map((i) => i.provider)).toEqual(["google"]);
    const events = (await auditEvents(["identity_unlinked"])).filter((e) => e.user_id === u.userId);
    expect(events.map((e) => e.details)).toEqual([{ provider: "github" }]);
  });

  it("an account with a password may remove its only identity", async () => {
    const local = await newUser("ident-unlink-pw");
    await sql()`update users set email_verified_at = now() where id = ${local.id}`;
    const person = await oidcAccount("acme", { email: local.email });
    const { code, verifier } = await appCode("acme", person);
    await postJson("/v1/oauth/token", { code, code_verifier: verifier });
    const { access_token } = await login(local.email);
    const [only] = (await identitiesOf(access_token)).identities;
    expect((await unlink(access_token, only?.id as string)).status).toBe(204);
  });

  it("two concurrent unlinks of a passwordless account's two identities: one wins, one way in remains", async () => {
    for (let round = 0; round < 3; round++) {
      const u = await socialUser();
      await linkGitHub(u.access);
      const ids = (await identitiesOf(u.access)).identities.map((i) => i.id);
      expect(ids).toHaveLength(2);
      const results = await Promise.all(ids.map((id) => unlink(u.access, id)));
      expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
      expect((await identitiesOf(u.access)).identities).toHaveLength(1);
    }
  });

  it("cannot remove another account's identity, and a malformed id is a 404", async () => {
    const a = await socialUser();
    const b = await socialUser();
    await linkGitHub(b.access);
    const bIds = (await identitiesOf(b.access)).identities;
    const res = await unlink(a.access, bIds[0]?.id as string);
    expect(res.status).toBe(404);
    expect((await identitiesOf(b.access)).identities).toHaveLength(2);
    expect((await unlink(a.access, "not-a-uuid")).status).toBe(404);
  });
});
