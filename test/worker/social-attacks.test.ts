// Attacks on social login, each reproduced against the real local providers:
// forged or replayed state, replayed codes, tampered id_tokens, mix-up,
// redirect_uri games, providers that are down or answer garbage, and linking
// games. Each must end in a clean refusal with nothing half-written.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, callWithEnv, insideOneWindow, randomClientIp } from "./helpers";
import {
  authorize,
  browserSignIn,
  callback,
  githubAccount,
  hintOf,
  identityRows,
  locationOf,
  nextTokenResponse,
  oidcAccount,
  providerBase,
  providerOutage,
  refreshCookieOf,
  resetProvider,
  throughProvider,
  userByEmail,
  WEB_REDIRECT,
} from "./social-helpers";

afterEach(async () => {
  for (const id of ["google", "linkedin", "acme", "github"]) await resetProvider(id);
});

/** Start a browser flow and come back to our callback URL (not yet called). */
async function callbackUrlFor(provider: string, hint: string): Promise<string> {
  const start = await authorize(provider, {
    redirect_uri: WEB_REDIRECT,
    login_hint: hint,
    state: "app",
  });
  return throughProvider(start);
}

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

describe("state", () => {
  it("a callback without state, or with one we never issued, is a 400 and redirects nowhere", async () => {
    for (const query of ["code=abc", "code=abc&state=", `code=abc&state=${"x".repeat(43)}`]) {
      const res = await call(`/v1/oauth/google/callback?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await errorOf(res)).toBe("invalid_state");
    }
  });

  it("a replayed callback (same state and code) is refused the second time", async () => {
    const person = await oidcAccount("google");
    const url = await callbackUrlFor("google", person.sub);
    const first = await callback(url);
    expect(first.status).toBe(303);
    expect(refreshCookieOf(first)).toBeTruthy();
    const replay = await callback(url);
    expect(replay.status).toBe(400);
    expect(await errorOf(replay)).toBe("invalid_state");
    expect(refreshCookieOf(replay)).toBeNull();
  });

  it("concurrent callbacks with one state: exactly one signs in", async () => {
    const person = await oidcAccount("linkedin");
    const url = await callbackUrlFor("linkedin", person.sub);
    const results = await Promise.all(Array.from({ length: 5 }, () => callback(url)));
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400]);
    expect(results.filter((r) => refreshCookieOf(r) !== null)).toHaveLength(1);
  });

  it("a state issued for one provider is refused at another's callback (and spent)", async () => {
    const person = await oidcAccount("google");
    const url = new URL(await callbackUrlFor("google", person.sub));
    const crossed = await call(`/v1/oauth/acme/callback${url.search}`);
    expect(crossed.status).toBe(400);
    expect(await errorOf(crossed)).toBe("invalid_state");
    const original = await callback(url.href);
    expect(original.status).toBe(400);
  });

  it("the flow cookie survives the provider's redirect back: __Host-, HttpOnly, Secure, SameSite=Lax", async () => {
    const start = await authorize("google", { redirect_uri: WEB_REDIRECT });
    expect(start.status).toBe(302);
    const line = start.headers.getSetCookie().find((l) => l.startsWith("__Host-oauth-flow="));
    expect(line).toBeDefined();
    // Lax, not Strict: the provider's redirect to our callback is a cross-site
    // navigation, on which a Strict cookie (like the refresh cookie) is not sent.
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/Domain=/i);
  });

  it("an attacker's callback URL opened in the victim's browser signs no one in (login CSRF)", async () => {
    const attacker = await oidcAccount("google");
    const url = await callbackUrlFor("google", attacker.sub);
    const inVictimsBrowser = await callback(url, { cookie: null });
    expect(inVictimsBrowser.status).toBe(400);
    expect(await errorOf(inVictimsBrowser)).toBe("invalid_state");
    expect(refreshCookieOf(inVictimsBrowser)).toBeNull();
    // With someone else's flow cookie it fails the same way.
    const other = await authorize("google", { redirect_uri: WEB_REDIRECT });
    const otherCookie = other.headers
      .getSetCookie()
      .map((l) => /^__Host-oauth-flow=([^;]+)/.exec(l)?.[1])
      .find(Boolean);
    const url2 = await callbackUrlFor("google", attacker.sub);
    const withOther = await callback(url2, { cookie: otherCookie as string });
    expect(withOther.status).toBe(400);
    // Either way the flow is spent: the attacker cannot use it afterwards.
    expect((await callback(url)).status).toBe(400);
    expect(await userByEmail(attacker.email as string)).toBeNull();
  });

  it("a state swapped into another login's callback (login CSRF) does not sign in", async () => {
    const attacker = await oidcAccount("google");
    const victim = await oidcAccount("google");
    const attackerUrl = new URL(await callbackUrlFor("google", attacker.sub));
    const victimUrl = new URL(await callbackUrlFor("google", victim.sub));
    // The attacker's code with the victim's state: the provider bound the code
    // to the attacker's PKCE challenge, which the victim's flow cannot answer.
    const forged = new URL(victimUrl.href);
    forged.searchParams.set("code", attackerUrl.searchParams.get("code") as string);
    const res = await callback(forged.href);
    expect(res.status).toBe(303);
    expect(locationOf(res).searchParams.get("error_code")).toBe("provider_error");
    expect(refreshCookieOf(res)).toBeNull();
  });
});

describe("the provider's answer", () => {
  const TAMPERED = [
    "wrong_iss",
    "wrong_aud",
    "expired",
    "alg_none",
    "foreign_key",
    "wrong_nonce",
    "no_id_token",
  ];
  for (const mode of TAMPERED) {
    it(`an id_token with ${mode} is refused, and nothing is created`, async () => {
      const person = await oidcAccount("acme");
      const url = await callbackUrlFor("acme", person.sub);
      await nextTokenResponse("acme", mode);
      const res = await callback(url);
      expect(res.status).toBe(303);
      const back = locationOf(res);
      expect(`${back.origin}${back.pathname}`).toBe(WEB_REDIRECT);
      expect(back.searchParams.get("error")).toBe("server_error");
      expect(back.searchParams.get("error_code")).toBe("provider_error");
      expect(back.searchParams.get("state")).toBe("app");
      expect(refreshCookieOf(res)).toBeNull();
      expect(await userByEmail(person.email as string)).toBeNull();
      expect(await identityRows("acme", person.sub)).toEqual([]);
    });
  }

  it("an RFC 9207 iss of another issuer in the callback (mix-up) is refused", async () => {
    const person = await oidcAccount("google");
    const url = new URL(await callbackUrlFor("google", person.sub));
    url.searchParams.set("iss", providerBase("linkedin"));
    const res = await callback(url.href);
    expect(locationOf(res).searchParams.get("error_code")).toBe("provider_error");
    expect(await userByEmail(person.email as string)).toBeNull();
  });

  it("a provider code used twice is refused by the provider, and so by us", async () => {
    const person = await oidcAccount("google");
    const first = new URL(await callbackUrlFor("google", person.sub));
    expect((await callback(first.href)).status).toBe(303);
    // A fresh flow (new state) carrying the spent code.
    const second = new URL(await callbackUrlFor("google", person.sub));
    second.searchParams.set("code", first.searchParams.get("code") as string);
    const res = await callback(second.href);
    expect(locationOf(res).searchParams.get("error_code")).toBe("provider_error");
    expect(refreshCookieOf(res)).toBeNull();
  });

  it("the user cancelling at the provider comes back as access_denied", async () => {
    const start = await authorize("acme", {
      redirect_uri: WEB_REDIRECT,
      login_hint: "nobody-with-this-hint",
      state: "c1",
    });
    const res = await callback(await throughProvider(start));
    const back = locationOf(res);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_code")).toBe("access_denied");
    expect(back.searchParams.get("state")).toBe("c1");
  });

  it("github: a token error answered as HTTP 200 is an error, not a sign-in", async () => {
    const person = await githubAccount();
    const url = new URL(await callbackUrlFor("github", person.login));
    url.searchParams.set("code", "not-a-code-github-issued");
    const res = await callback(url.href);
    expect(locationOf(res).searchParams.get("error_code")).toBe("provider_error");
    expect(await identityRows("github", String(person.id))).toEqual([]);
  });

  for (const [provider, who] of [
    ["acme", () => oidcAccount("acme")],
    ["github", () => githubAccount()],
  ] as const) {
    it(`${provider} down at the callback: temporarily_unavailable, nothing written`, async () => {
      const person = await who();
      const url = await callbackUrlFor(provider, hintOf(person));
      await providerOutage(provider, "down");
      const res = await callback(url);
      const back = locationOf(res);
      expect(back.searchParams.get("error")).toBe("temporarily_unavailable");
      expect(back.searchParams.get("error_code")).toBe("provider_unavailable");
      expect(refreshCookieOf(res)).toBeNull();
      const subject = "sub" in person ? person.sub : String(person.id);
      expect(await identityRows(provider, subject)).toEqual([]);
    });

    it(`${provider} answering garbage: server_error, nothing written`, async () => {
      const person = await who();
      const url = await callbackUrlFor(provider, hintOf(person));
      await providerOutage(provider, "garbage");
      const res = await callback(url);
      const back = locationOf(res);
      expect(back.searchParams.get("error")).toBe("server_error");
      expect(back.searchParams.get("error_code")).toBe("provider_error");
      const subject = "sub" in person ? person.sub : String(person.id);
      expect(await identityRows(provider, subject)).toEqual([]);
    });
  }
});

describe("redirect_uri", () => {
  const VARIANTS = [
    "https://app.example.test/auth/done/",
    "https://app.example.test/auth/done/../../evil",
    "https://app.example.test/auth/done?next=https://evil.test",
    "https://app.example.test/auth/done#x",
    "https://app.example.test/auth/don",
    "https://app.example.test/auth/done%2F..%2Fevil",
    "HTTPS://APP.EXAMPLE.TEST/auth/done",
    "https://app.example.test.evil.test/auth/done",
    "https://evil.test/auth/done",
    "//evil.test",
    "",
  ];
  for (const uri of VARIANTS) {
    it(`refuses ${JSON.stringify(uri)} with a 400 and no redirect`, async () => {
      const res = await authorize("google", { redirect_uri: uri, state: "s" });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await errorOf(res)).toBe("invalid_redirect_uri");
    });
  }

  it("refuses a missing redirect_uri", async () => {
    const res = await call("/v1/oauth/google/authorize");
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toBe("invalid_redirect_uri");
  });
});

describe("logs", () => {
  it("no code, state, token or client secret reaches a log line", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args) => {
      lines.push(args.map(String).join(" "));
    });
    try {
      const person = await oidcAccount("google");
      const url = new URL(await callbackUrlFor("google", person.sub));
      await nextTokenResponse("google", "wrong_aud");
      const res = await callback(url.href);
      expect(locationOf(res).searchParams.get("error_code")).toBe("provider_error");
      const ok = await browserSignIn("google", person);
      const cookie = refreshCookieOf(ok) as string;
      const secrets = [
        url.searchParams.get("code") as string,
        url.searchParams.get("state") as string,
        cookie,
        person.email as string,
      ];
      const text = lines.join("\n");
      expect(lines.length).toBeGreaterThan(0);
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).not.toMatch(/client_secret|eyJ/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("rate limits", () => {
  it("start, callback and the app's code exchange count against RATE_LIMIT_OAUTH_PER_IP", async () => {
    await insideOneWindow(600, 10);
    const ip = randomClientIp();
    const limited = { RATE_LIMIT_OAUTH_PER_IP: "2/600" };
    const send = (path: string, init: RequestInit = {}) =>
      callWithEnv(limited, path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), "cf-connecting-ip": ip },
      });
    const start = `/v1/oauth/google/authorize?redirect_uri=${encodeURIComponent(WEB_REDIRECT)}`;
    expect((await send(start)).status).toBe(302);
    expect((await send("/v1/oauth/google/callback?state=x&code=y")).status).toBe(400);
    const third = await send(start);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBeTruthy();
    const exchange = await send("/v1/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "c", code_verifier: "v".repeat(43) }),
    });
    expect(exchange.status).toBe(429);
    // Another client is not affected.
    const other = await callWithEnv(limited, start, {
      headers: { "cf-connecting-ip": randomClientIp() },
    });
    expect(other.status).toBe(302);
  });
});
