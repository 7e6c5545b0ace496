// The local identity-provider stand-ins, driven from Node by a standards-following
// client (oauth4webapi): the OIDC provider must complete a real code + PKCE + nonce
// flow and tamper with ID tokens exactly as asked; the GitHub stand-in must speak
// GitHub's OAuth web flow, quirks included.
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalGitHub, startLocalGitHub } from "../../dev/stack/github-server.ts";
import { type LocalOidcProvider, startLocalOidcProvider } from "../../dev/stack/oidc-provider.ts";

// Never contacted: the flow stops at the redirect that points here.
const REDIRECT_URI = "http://127.0.0.1:9/auth/callback";
const insecure = { [oauth.allowInsecureRequests]: true };

/** Just enough of a browser: keeps cookies by name and follows redirects by hand. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set(
        "cookie",
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      );
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
      if (value === "" || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects until one leaves for `stopAt`; returns that final URL. */
  async follow(start: string, stopAt: string, init?: RequestInit): Promise<URL> {
    let response = await this.request(start, init);
    let current = start;
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status > 399 || !location) {
        throw new Error(`${current} answered ${response.status}: ${await response.text()}`);
      }
      const next = new URL(location, current);
      if (next.href.startsWith(stopAt)) return next;
      current = next.href;
      response = await this.request(current);
    }
    throw new Error("too many redirects");
  }
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("local OpenID Connect provider", () => {
  let google: LocalOidcProvider;
  let other: LocalOidcProvider;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: "auth-service" };
  const clientAuth = oauth.ClientSecretBasic("google-secret");

  beforeAll(async () => {
    [google, other] = await Promise.all([
      startLocalOidcProvider({
        clients: [
          { clientId: "auth-service", clientSecret: "google-secret", redirectUris: [REDIRECT_URI] },
        ],
        accounts: [
          // The string "true" on purpose: a provider with a bug the service must not trust.
          { sub: "g-100", email: "ada@example.com", email_verified: "true", name: "Ada" },
          { sub: "g-200", email: "bob@example.com", email_verified: true, name: "Bob" },
        ],
      }),
      startLocalOidcProvider({
        clients: [
          { clientId: "auth-service", clientSecret: "other", redirectUris: [REDIRECT_URI] },
        ],
      }),
    ]);
    const issuer = new URL(google.issuer);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, insecure),
    );
  });

  afterAll(async () => {
    await Promise.all([google?.close(), other?.close()]);
  });

  async function authorize(loginHint: string | undefined, browser = new Browser()) {
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint ?? "");
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      scope: "openid email profile",
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      ...(loginHint === undefined ? {} : { login_hint: loginHint }),
    }).toString();
    return { url, state, nonce, verifier, browser };
  }

  /** The whole flow up to the token response, for a `login_hint`. */
  async function signIn(loginHint: string) {
    const request = await authorize(loginHint);
    const callback = await request.browser.follow(request.url.href, REDIRECT_URI);
    const params = oauth.validateAuthResponse(as, client, callback, request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      REDIRECT_URI,
      request.verifier,
      insecure,
    );
    return { ...request, callback, params, response };
  }

  async function signInWithNextToken(mode: string) {
    expect((await postJson(`${google.issuer}/__test/next-token`, { mode })).status).toBe(204);
    return signIn("ada@example.com");
  }

  it("serves discovery at the issuer, without a trailing slash, on 127.0.0.1", () => {
    expect(google.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(as.issuer).toBe(google.issuer);
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.token_endpoint_auth_methods_supported).toEqual([
      "client_secret_basic",
      "client_secret_post",
    ]);
    expect(as.scopes_supported).toEqual(["openid", "email", "profile"]);
  });

  it("runs a full code + PKCE + nonce flow with login_hint, and the ID token verifies", async () => {
    const flow = await signIn("ada@example.com");
    expect(flow.callback.searchParams.get("iss")).toBe(google.issuer);
    expect(flow.callback.searchParams.get("state")).toBe(flow.state);
    const result = await oauth.processAuthorizationCodeResponse(as, client, flow.response, {
      expectedNonce: flow.nonce,
      requireIdToken: true,
    });
    await oauth.validateApplicationLevelSignature(as, flow.response, insecure);
    const claims = oauth.getValidatedIdTokenClaims(result);
    expect(claims).toMatchObject({
      iss: google.issuer,
      aud: "auth-service",
      sub: "g-100",
      nonce: flow.nonce,
      email: "ada@example.com",
      email_verified: "true",
      name: "Ada",
    });
    expect(result.token_type.toLowerCase()).toBe("bearer");
  });

  it("accepts the account's sub as login_hint and client_secret_post", async () => {
    const request = await authorize("g-200");
    const callback = await request.browser.follow(request.url.href, REDIRECT_URI);
    const params = oauth.validateAuthResponse(as, client, callback, request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost("google-secret"),
      params,
      REDIRECT_URI,
      request.verifier,
      insecure,
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: request.nonce,
    });
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({
      sub: "g-200",
      email_verified: true,
    });
  });

  it("refuses a second use of the same code", async () => {
    const flow = await signIn("ada@example.com");
    await oauth.processAuthorizationCodeResponse(as, client, flow.response, {
      expectedNonce: flow.nonce,
    });
    const again = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      flow.params,
      REDIRECT_URI,
      flow.verifier,
      insecure,
    );
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, again, { expectedNonce: flow.nonce }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a wrong PKCE verifier", async () => {
    const request = await authorize("ada@example.com");
    const callback = await request.browser.follow(request.url.href, REDIRECT_URI);
    const params = oauth.validateAuthResponse(as, client, callback, request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      REDIRECT_URI,
      oauth.generateRandomCodeVerifier(),
      insecure,
    );
    await expect(
      oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("requires PKCE: a request without a code_challenge gets an error redirect", async () => {
    const request = await authorize("ada@example.com");
    request.url.searchParams.delete("code_challenge");
    request.url.searchParams.delete("code_challenge_method");
    const callback = await request.browser.follow(request.url.href, REDIRECT_URI);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("error_description")).toMatch(/PKCE/);
    expect(callback.searchParams.has("code")).toBe(false);
  });

  it("answers an unknown login_hint with an access_denied error redirect carrying iss", async () => {
    const request = await authorize("nobody@example.com");
    const callback = await request.browser.follow(request.url.href, REDIRECT_URI);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("iss")).toBe(google.issuer);
    expect(() => oauth.validateAuthResponse(as, client, callback, request.state)).toThrow(
      oauth.AuthorizationResponseError,
    );
  });

  it("without login_hint shows a sign-in page whose form completes the login", async () => {
    const request = await authorize(undefined);
    const toInteraction = await request.browser.request(request.url.href);
    const interactionUrl = new URL(toInteraction.headers.get("location") ?? "", google.issuer);
    expect(interactionUrl.pathname).toMatch(/^\/interaction\//);
    const pageResponse = await request.browser.request(interactionUrl.href);
    expect(pageResponse.status).toBe(200);
    expect(pageResponse.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await pageResponse.text();
    expect(html).toContain('value="ada@example.com"');
    expect(html).not.toMatch(/(src|href)="http/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";

    // A new address signs in as a new, verified account.
    const callback = await request.browser.follow(
      new URL(action, google.issuer).href,
      REDIRECT_URI,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "new.person@example.com" }).toString(),
      },
    );
    const params = oauth.validateAuthResponse(as, client, callback, request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      REDIRECT_URI,
      request.verifier,
      insecure,
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: request.nonce,
    });
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({
      email: "new.person@example.com",
      email_verified: true,
    });
  });

  it("adds and replaces accounts through the control API", async () => {
    const added = await postJson(`${google.issuer}/__test/accounts`, {
      sub: "g-300",
      email: "carol@example.com",
      email_verified: false,
      name: "Carol",
    });
    expect(added.status).toBe(204);
    const flow = await signIn("carol@example.com");
    const result = await oauth.processAuthorizationCodeResponse(as, client, flow.response, {
      expectedNonce: flow.nonce,
    });
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({
      sub: "g-300",
      email_verified: false,
    });
    expect((await postJson(`${google.issuer}/__test/accounts`, { email: "x" })).status).toBe(400);
  });

  describe("next-token modes", () => {
    it("wrong_iss: the ID token names another issuer", async () => {
      const flow = await signInWithNextToken("wrong_iss");
      await expect(
        oauth.processAuthorizationCodeResponse(as, client, flow.response, {
          expectedNonce: flow.nonce,
        }),
      ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, message: /"iss"/ });
    });

    it("wrong_aud: the ID token is for someone else", async () => {
      const flow = await signInWithNextToken("wrong_aud");
      await expect(
        oauth.processAuthorizationCodeResponse(as, client, flow.response, {
          expectedNonce: flow.nonce,
        }),
      ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, message: /"aud"/ });
    });

    it("expired: the ID token expired, and it is still validly signed", async () => {
      const flow = await signInWithNextToken("expired");
      const body = (await flow.response.clone().json()) as { id_token: string };
      const [, payload = ""] = body.id_token.split(".");
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as {
        iat: number;
        exp: number;
      };
      const now = Math.floor(Date.now() / 1000);
      expect(claims.iat).toBeLessThanOrEqual(now - 7200);
      expect(claims.exp).toBeLessThan(now);
      await expect(
        oauth.processAuthorizationCodeResponse(as, client, flow.response, {
          expectedNonce: flow.nonce,
        }),
      ).rejects.toMatchObject({ code: oauth.JWT_TIMESTAMP_CHECK });
    });

    it("alg_none: an unsigned ID token is refused", async () => {
      const flow = await signInWithNextToken("alg_none");
      const body = (await flow.response.clone().json()) as { id_token: string };
      const [header = "", , signature] = body.id_token.split(".");
      expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "none" });
      expect(signature).toBe("");
      await expect(
        oauth.processAuthorizationCodeResponse(as, client, flow.response, {
          expectedNonce: flow.nonce,
        }),
      ).rejects.toThrow(/"alg"/);
    });

    it("foreign_key: same kid, other key; only the signature check catches it", async () => {
      const flow = await signInWithNextToken("foreign_key");
      await oauth.processAuthorizationCodeResponse(as, client, flow.response, {
        expectedNonce: flow.nonce,
      });
      await expect(
        oauth.validateApplicationLevelSignature(as, flow.response, insecure),
      ).rejects.toThrow(/signature/i);
    });

    it("wrong_nonce: the ID token answers another request", async () => {
      const flow = await signInWithNextToken("wrong_nonce");
      await expect(
        oauth.processAuthorizationCodeResponse(as, client, flow.response, {
          expectedNonce: flow.nonce,
        }),
      ).rejects.toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, message: /"nonce"/ });
    });

    it("no_id_token: the token response lacks the ID token", async () => {
      const flow = await signInWithNextToken("no_id_token");
      const body = (await flow.response.clone().json()) as Record<string, unknown>;
      expect(body.access_token).toEqual(expect.any(String));
      expect(body).not.toHaveProperty("id_token");
      await expect(
        oauth.processAuthorizationCodeResponse(as, client, flow.response, {
          expectedNonce: flow.nonce,
          requireIdToken: true,
        }),
      ).rejects.toThrow(/"id_token"/);
    });

    it("applies once: the following sign-in is untouched", async () => {
      await signInWithNextToken("wrong_iss");
      const flow = await signIn("ada@example.com");
      await oauth.processAuthorizationCodeResponse(as, client, flow.response, {
        expectedNonce: flow.nonce,
      });
      await oauth.validateApplicationLevelSignature(as, flow.response, insecure);
    });

    it("reset clears a pending mode, and unknown modes are refused", async () => {
      await postJson(`${google.issuer}/__test/next-token`, { mode: "alg_none" });
      expect((await postJson(`${google.issuer}/__test/reset`, {})).status).toBe(204);
      const flow = await signIn("ada@example.com");
      await oauth.processAuthorizationCodeResponse(as, client, flow.response, {
        expectedNonce: flow.nonce,
      });
      const refused = await postJson(`${google.issuer}/__test/next-token`, { mode: "nope" });
      expect(refused.status).toBe(400);
    });
  });

  describe("outages", () => {
    const discovery = () => fetch(`${google.issuer}/.well-known/openid-configuration`);

    afterAll(async () => {
      await postJson(`${google.issuer}/__test/reset`, {});
    });

    it("down: every endpoint answers 503 with an empty body", async () => {
      await postJson(`${google.issuer}/__test/outage`, { mode: "down" });
      for (const path of ["/.well-known/openid-configuration", "/jwks", "/token", "/auth"]) {
        const response = await fetch(`${google.issuer}${path}`, {
          method: path === "/token" ? "POST" : "GET",
        });
        expect(response.status).toBe(503);
        expect(await response.text()).toBe("");
      }
    });

    it("garbage: every endpoint answers 200 HTML", async () => {
      await postJson(`${google.issuer}/__test/outage`, { mode: "garbage" });
      const response = await discovery();
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toBe("<html>oops</html>");
      const token = await fetch(`${google.issuer}/token`, { method: "POST" });
      expect(await token.text()).toBe("<html>oops</html>");
    });

    it("null and reset bring it back; other instances were never affected", async () => {
      await postJson(`${google.issuer}/__test/outage`, { mode: "down" });
      expect((await fetch(`${other.issuer}/.well-known/openid-configuration`)).status).toBe(200);
      await postJson(`${google.issuer}/__test/outage`, { mode: null });
      expect((await discovery()).status).toBe(200);
      await postJson(`${google.issuer}/__test/outage`, { mode: "garbage" });
      await postJson(`${google.issuer}/__test/reset`, {});
      expect((await discovery()).status).toBe(200);
    });
  });

  it("runs several instances side by side, each with its own key", async () => {
    expect(other.issuer).not.toBe(google.issuer);
    const [ours, theirs] = await Promise.all(
      [google, other].map(async (provider) => {
        const jwks = (await (await fetch(`${provider.issuer}/jwks`)).json()) as {
          keys: Array<{ kid: string; alg: string; d?: string }>;
        };
        return jwks.keys;
      }),
    );
    expect(ours).toHaveLength(1);
    expect(ours?.[0]?.alg).toBe("RS256");
    expect(ours?.[0]?.d).toBeUndefined();
    expect(ours?.[0]?.kid).not.toBe(theirs?.[0]?.kid);
  });
});

describe("local GitHub", () => {
  let github: LocalGitHub;
  const clientId = "Iv1.local-client";
  const clientSecret = "github-client-secret";
  const octocat = {
    id: 583231,
    login: "octocat",
    name: "The Octocat",
    email: null,
    emails: [
      { email: "octocat@github.example", primary: true, verified: true, visibility: "private" },
      { email: "old@github.example", primary: false, verified: false, visibility: null },
    ],
  };

  beforeAll(async () => {
    github = await startLocalGitHub({
      clientId,
      clientSecret,
      redirectUris: [REDIRECT_URI],
      accounts: [octocat],
    });
  });

  afterAll(async () => {
    await github?.close();
  });

  async function authorizeAs(login: string, verifier = oauth.generateRandomCodeVerifier()) {
    const state = oauth.generateRandomState();
    const url = new URL("/login/oauth/authorize", github.url);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      state,
      scope: "read:user user:email",
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      login,
    }).toString();
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(302);
    const callback = new URL(response.headers.get("location") ?? "");
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(callback.searchParams.get("state")).toBe(state);
    return { code: callback.searchParams.get("code") ?? "", state, verifier };
  }

  function exchange(fields: Record<string, string>, headers: Record<string, string> = {}) {
    return fetch(new URL("/login/oauth/access_token", github.url), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  }

  function exchangeCode(code: string, verifier: string) {
    return exchange({
      client_id: clientId,
      client_secret: clientSecret,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
  }

  it("answers at 127.0.0.1 with the API under /api/v3", () => {
    expect(github.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(github.apiUrl).toBe(`${github.url}/api/v3`);
  });

  it("runs the web flow with PKCE through oauth4webapi and serves /user and /user/emails", async () => {
    const as: oauth.AuthorizationServer = {
      issuer: github.url,
      authorization_endpoint: `${github.url}/login/oauth/authorize`,
      token_endpoint: `${github.url}/login/oauth/access_token`,
    };
    const client: oauth.Client = { client_id: clientId };
    const { code, state, verifier } = await authorizeAs("octocat");
    const callback = new URL(REDIRECT_URI);
    callback.search = new URLSearchParams({ code, state }).toString();
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(clientSecret),
      params,
      REDIRECT_URI,
      verifier,
      insecure,
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(result.token_type).toBe("bearer");
    expect(result.scope).toBe("read:user,user:email");
    expect(result.access_token).toMatch(/^gho_/);

    const user = await fetch(`${github.apiUrl}/user`, {
      headers: { authorization: `Bearer ${result.access_token}` },
    });
    expect(user.status).toBe(200);
    expect(user.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await user.json()).toEqual({
      id: 583231,
      login: "octocat",
      name: "The Octocat",
      email: null,
    });

    const emails = await fetch(`${github.apiUrl}/user/emails`, {
      headers: { authorization: `token ${result.access_token}` },
    });
    expect(emails.status).toBe(200);
    expect(emails.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await emails.json()).toEqual(octocat.emails);
  });

  it("answers form-encoded without Accept: application/json, like GitHub", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    const response = await exchange(
      { client_id: clientId, client_secret: clientSecret, code, code_verifier: verifier },
      { accept: "*/*" },
    );
    expect(response.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    const body = new URLSearchParams(await response.text());
    expect(body.get("access_token")).toMatch(/^gho_/);
    expect(body.get("token_type")).toBe("bearer");
  });

  it("reports token errors as HTTP 200 with an error field", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    const response = await exchange({
      client_id: clientId,
      client_secret: "wrong",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      error: "incorrect_client_credentials",
      error_description: expect.any(String),
      error_uri: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
    });
    // The failed attempt spent the code.
    expect(await (await exchangeCode(code, verifier)).json()).toMatchObject({
      error: "bad_verification_code",
    });
  });

  it("spends a code on first use", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    expect(await (await exchangeCode(code, verifier)).json()).toHaveProperty("access_token");
    const again = await exchangeCode(code, verifier);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ error: "bad_verification_code" });
  });

  it("refuses a wrong PKCE verifier, and the code is gone afterwards", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    const wrong = await exchangeCode(code, oauth.generateRandomCodeVerifier());
    expect(await wrong.json()).toMatchObject({ error: "bad_verification_code" });
    expect(await (await exchangeCode(code, verifier)).json()).toMatchObject({
      error: "bad_verification_code",
    });
  });

  it("refuses a redirect_uri at the token endpoint other than the code's", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    const response = await exchange({
      client_id: clientId,
      client_secret: clientSecret,
      code,
      redirect_uri: "http://127.0.0.1:9/elsewhere",
      code_verifier: verifier,
    });
    expect(await response.json()).toMatchObject({ error: "redirect_uri_mismatch" });
  });

  it("accepts HTTP Basic client authentication", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    const response = await exchange(
      { code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}` },
    );
    expect(await response.json()).toHaveProperty("access_token");
  });

  it("never redirects to an unregistered redirect_uri, nor for an unknown client", async () => {
    for (const [client, redirect] of [
      [clientId, "http://127.0.0.1:9/auth/callback/evil"],
      [clientId, "http://evil.example/auth/callback"],
      ["someone-else", REDIRECT_URI],
    ] as const) {
      const url = new URL("/login/oauth/authorize", github.url);
      url.search = new URLSearchParams({
        client_id: client,
        redirect_uri: redirect,
        state: "s",
        login: "octocat",
      }).toString();
      const response = await fetch(url, { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("requires a valid token for the API", async () => {
    const anonymous = await fetch(`${github.apiUrl}/user`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: "Requires authentication" });
    const forged = await fetch(`${github.apiUrl}/user/emails`, {
      headers: { authorization: "Bearer gho_forged" },
    });
    expect(forged.status).toBe(401);
  });

  it("without login shows a sign-in form that completes the flow", async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL("/login/oauth/authorize", github.url);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      state: "from-the-form",
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    }).toString();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="login" value="octocat"');
    const fields = new URLSearchParams();
    for (const [, name = "", value = ""] of html.matchAll(/name="([^"]+)" value="([^"]*)"/g)) {
      fields.set(name, value.replaceAll("&amp;", "&").replaceAll("&quot;", '"'));
    }
    const posted = await fetch(new URL("/login/oauth/authorize", github.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
      redirect: "manual",
    });
    expect(posted.status).toBe(302);
    const callback = new URL(posted.headers.get("location") ?? "");
    expect(callback.searchParams.get("state")).toBe("from-the-form");
    const token = await exchangeCode(callback.searchParams.get("code") ?? "", verifier);
    expect(await token.json()).toHaveProperty("access_token");
  });

  it("adds accounts through the control API", async () => {
    const hubot = {
      id: 42,
      login: "hubot",
      name: null,
      email: "hubot@github.example",
      emails: [{ email: "hubot@github.example", primary: true, verified: true }],
    };
    expect((await postJson(`${github.url}/__test/accounts`, hubot)).status).toBe(204);
    const { code, verifier } = await authorizeAs("hubot");
    const { access_token } = (await (await exchangeCode(code, verifier)).json()) as {
      access_token: string;
    };
    const user = await fetch(`${github.apiUrl}/user`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(await user.json()).toEqual({
      id: 42,
      login: "hubot",
      name: null,
      email: "hubot@github.example",
    });
    expect((await postJson(`${github.url}/__test/accounts`, { id: 1 })).status).toBe(400);
  });

  it("simulates outages on the token and API endpoints, and reset ends them", async () => {
    const { code, verifier } = await authorizeAs("octocat");
    await postJson(`${github.url}/__test/outage`, { mode: "down" });
    const down = await exchangeCode(code, verifier);
    expect(down.status).toBe(503);
    expect(await down.text()).toBe("");
    expect((await fetch(`${github.apiUrl}/user`)).status).toBe(503);

    await postJson(`${github.url}/__test/outage`, { mode: "garbage" });
    const garbage = await fetch(`${github.apiUrl}/user/emails`);
    expect(garbage.status).toBe(200);
    expect(garbage.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await garbage.text()).toBe("<html>oops</html>");

    expect((await postJson(`${github.url}/__test/reset`, {})).status).toBe(204);
    // The outage answered before the code was looked at, so it is still good.
    expect(await (await exchangeCode(code, verifier)).json()).toHaveProperty("access_token");
  });
});
