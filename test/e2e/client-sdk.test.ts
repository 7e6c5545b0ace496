// Black box: @edge-auth/client in Node against `npm run dev` (zero configuration).
// Its generated types against the live document (drift), then every flow a person
// goes through, with request counts taken by a wrapping fetch and, for the refresh
// family, the service's own audit trail read with the printed admin key: the single
// flight made one rotation and the service saw no retry and no reuse; a stale copy
// of a rotated token signs out cleanly and revokes the family. Social flows go
// through the dev server's local IdP, its sign-in form filled in like a person would.
// Across real browser tabs: client-sdk-browser.test.ts.
import { readFileSync } from "node:fs";
import {
  authModeOf,
  createAuthClient,
  memoryStorage,
  type Session,
  type SignedOutEvent,
  type TokenStorage,
} from "@edge-auth/client";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLIENT_SCHEMA_FILE,
  clientSchemaTypes,
  fetchOpenApiDocument,
} from "../../scripts/openapi-document.ts";
import { CookieJar, followUntil } from "./browser.ts";
import { type DevProcess, outputMatching, startDev } from "./dev-process.ts";

const password = "lamp orbit cedar quietly 42";
const REFRESH = "POST /v1/token/refresh";

type Mail = { to: string[]; subject: string; text: string };
type AuditEvent = { type: string };

/** A fetch that counts requests by `METHOD /path`. */
function countingFetch() {
  const counts = new Map<string, number>();
  return {
    fetch: (request: Request) => {
      const key = `${request.method} ${new URL(request.url).pathname}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return fetch(request);
    },
    count: (key: string) => counts.get(key) ?? 0,
  };
}

describe("@edge-auth/client against npm run dev", () => {
  let dev: DevProcess;
  let mailbox: string;
  let adminKey: string;
  let demo: string;

  beforeAll(async () => {
    dev = await startDev();
    mailbox =
      (await outputMatching(dev, /read it at (http:\/\/127\.0\.0\.1:\d+\/messages)/))[1] ?? "";
    adminKey =
      (await outputMatching(dev, /admin: curl -s \S+ -H 'authorization: Bearer ([^']+)'/))[1] ?? "";
    demo = (await outputMatching(dev, /social login: open (http:\/\/127\.0\.0\.1:\d+)\//))[1] ?? "";
  }, 180_000);
  afterAll(() => dev?.stop());

  /** A client with its own counting fetch, storage and signed-out events. */
  function newClient(storage: TokenStorage = memoryStorage()) {
    const counter = countingFetch();
    const events: SignedOutEvent[] = [];
    const auth = createAuthClient({ baseUrl: dev.base, storage, fetch: counter.fetch });
    auth.onSignedOut((event) => events.push(event));
    return { auth, storage, events, count: counter.count };
  }

  const newEmail = (label: string) =>
    `sdk-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.test`;

  async function signedInClient(label: string) {
    const client = newClient();
    const email = newEmail(label);
    await client.auth.register({ email, password });
    const result = await client.auth.login({ email, password });
    expect(result.status).toBe("signed_in");
    return { ...client, email };
  }

  async function auditEvents(userId: string): Promise<AuditEvent[]> {
    const res = await fetch(`${dev.base}/v1/admin/users/${userId}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { recent_events: AuditEvent[] }).recent_events;
  }
  const countOf = (events: AuditEvent[], type: string) =>
    events.filter((e) => e.type === type).length;

  async function mailTo(email: string, count = 1): Promise<Mail[]> {
    let mails: Mail[] = [];
    await expect
      .poll(
        async () => {
          const all = (await (await fetch(mailbox)).json()) as Mail[];
          mails = all.filter((m) => m.to.includes(email));
          return mails.length;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(count);
    return mails;
  }
  const tokenIn = (mail: Mail | undefined, page: string) =>
    new RegExp(`/${page}\\?token=([\\w-]+)`).exec(mail?.text ?? "")?.[1] ?? "";

  // Guards the SDK against drifting from the service: the committed types are
  // exactly what the live document generates (npm run sdk:generate writes them).
  it("has types generated from the live OpenAPI document", async () => {
    const generated = await clientSchemaTypes(await fetchOpenApiDocument(dev.base));
    const committed = readFileSync(CLIENT_SCHEMA_FILE, "utf8");
    expect(
      generated === committed,
      "packages/client/src/schema.d.ts differs from the live document: run npm run sdk:generate",
    ).toBe(true);
  });

  it("signs exactly the operations whose security in the document takes a bearer token", async () => {
    const document = (await fetchOpenApiDocument(dev.base)) as {
      paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
    };
    const wrong: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const bearer = (operation.security ?? []).some((s) => "bearer" in s);
        const mode = authModeOf(method, path);
        if (bearer !== (mode !== "none")) wrong.push(`${method.toUpperCase()} ${path}: ${mode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("registers, logs in and reads /v1/me", async () => {
    const { auth, email, storage, count } = await signedInClient("basic");
    const me = await auth.me();
    expect(me).toMatchObject({ email, email_verified: false });
    expect(await storage.get()).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    // The typed client is signed as well.
    const { data } = await auth.api.GET("/v1/sessions");
    expect(data?.sessions).toEqual([expect.objectContaining({ current: true })]);
    expect(count(REFRESH)).toBe(0);
  });

  it("makes one refresh for 20 concurrent calls with an expired access token; the service saw one rotation and no reuse", async () => {
    const { auth, storage, count, events } = await signedInClient("single-flight");
    const before = (await storage.get()) as Session;
    const { id } = await auth.me();
    await storage.set({ ...before, accessTokenExpiresAt: Date.now() - 1_000 });

    const answers = await Promise.all(Array.from({ length: 20 }, () => auth.me()));
    expect(answers.map((a) => a.id)).toEqual(Array(20).fill(id));
    expect(count(REFRESH)).toBe(1);
    // Refreshed before sending: no call was refused and sent again.
    expect(count("GET /v1/me")).toBe(21);
    const after = (await storage.get()) as Session;
    expect(after.refreshToken).not.toBe(before.refreshToken);

    // The rotated family lives on: a reuse would have revoked it.
    const again = await auth.refresh();
    expect(again.refreshToken).not.toBe(after.refreshToken);
    expect(count(REFRESH)).toBe(2);
    await expect
      .poll(async () => countOf(await auditEvents(id), "token_refreshed"), { timeout: 20_000 })
      .toBe(2);
    const trail = await auditEvents(id);
    expect(countOf(trail, "refresh_grace_retry")).toBe(0);
    expect(countOf(trail, "refresh_reuse_detected")).toBe(0);
    expect(events).toEqual([]);
  });

  it("makes one refresh for 20 concurrent calls refused with 401 invalid_token, each retried once", async () => {
    const { auth, storage, count } = await signedInClient("refused");
    const session = (await storage.get()) as Session;
    const [header, payload] = session.accessToken.split(".");
    // A token the service refuses (bad signature) that the client still takes as fresh.
    await storage.set({ ...session, accessToken: `${header}.${payload}.AAAA` });
    const answers = await Promise.all(Array.from({ length: 20 }, () => auth.me()));
    expect(new Set(answers.map((a) => a.email)).size).toBe(1);
    expect(count(REFRESH)).toBe(1);
    expect(count("GET /v1/me")).toBe(40);
  });

  it("signs a client out cleanly when its copy of a twice-rotated refresh token is taken for reuse", async () => {
    const a = await signedInClient("reuse");
    const { id } = await a.auth.me();
    const copy = (await a.storage.get()) as Session;
    await a.auth.refresh();
    await a.auth.refresh();

    // B shares nothing with A but the copy, whose token is two generations old:
    // outside the grace window's "immediately previous" token, so it is reuse.
    const b = newClient(memoryStorage({ ...copy, accessTokenExpiresAt: 0 }));
    const calls = await Promise.allSettled(Array.from({ length: 5 }, () => b.auth.me()));
    for (const call of calls) {
      expect(call.status).toBe("rejected");
      expect((call as PromiseRejectedResult).reason).toMatchObject({
        name: "AuthApiError",
        code: "invalid_grant",
        status: 400,
      });
    }
    expect(b.count(REFRESH)).toBe(1);
    expect(b.count("GET /v1/me")).toBe(0);
    expect(await b.storage.get()).toBeNull();
    expect(b.events).toEqual([
      { reason: "session_ended", error: expect.objectContaining({ code: "invalid_grant" }) },
    ]);
    // No retry loop: signed out, the next call goes without a token.
    await expect(b.auth.me()).rejects.toMatchObject({ code: "unauthorized", status: 401 });
    expect(b.count(REFRESH)).toBe(1);

    // The service revoked the whole family, so A's next refresh ends A's session too.
    await expect(a.auth.refresh()).rejects.toMatchObject({ code: "invalid_grant" });
    expect(a.events).toEqual([
      { reason: "session_ended", error: expect.objectContaining({ code: "invalid_grant" }) },
    ]);
    await expect
      .poll(async () => countOf(await auditEvents(id), "refresh_reuse_detected"), {
        timeout: 20_000,
      })
      .toBe(1);
  });

  it("answers the MFA challenge of a login with loginMfa", async () => {
    const { auth, email } = await signedInClient("mfa");
    expect(await auth.mfa.status()).toEqual({
      enabled: false,
      totp: "none",
      recovery_codes_remaining: 0,
    });
    const enrolled = await auth.mfa.enrollTotp();
    expect(enrolled.otpauth_uri).toContain(`secret=${enrolled.secret}`);
    expect((await auth.mfa.status()).totp).toBe("pending");
    const totp = new TOTP({ secret: Secret.fromBase32(enrolled.secret) });
    const recoveryCodes = await auth.mfa.confirmTotp(totp.generate());
    expect(recoveryCodes).toHaveLength(10);
    expect(await auth.mfa.status()).toEqual({
      enabled: true,
      totp: "active",
      recovery_codes_remaining: 10,
    });

    const fresh = newClient();
    const first = await fresh.auth.login({ email, password });
    if (first.status !== "mfa_required") throw new Error("expected the MFA challenge");
    expect(first.methods).toEqual(expect.arrayContaining(["totp", "recovery_code"]));
    expect(await fresh.storage.get()).toBeNull();
    await expect(
      fresh.auth.loginMfa({ mfaToken: first.mfaToken, code: "000000" }),
    ).rejects.toMatchObject({ code: "invalid_code", status: 401 });

    const session = await fresh.auth.loginMfa({
      mfaToken: first.mfaToken,
      recoveryCode: recoveryCodes[0] ?? "",
    });
    expect(await fresh.storage.get()).toEqual(session);
    expect((await fresh.auth.me()).email).toBe(email);
    const claims = JSON.parse(atob(session.accessToken.split(".")[1] ?? ""));
    expect(claims.amr).toEqual(expect.arrayContaining(["mfa"]));
    expect(fresh.count(REFRESH)).toBe(0);
    expect((await fresh.auth.mfa.status()).recovery_codes_remaining).toBe(9);
  });

  it("steps up with a recovery code, then refreshes: the new access token says when", async () => {
    const { auth, count } = await signedInClient("step-up");
    const totp = new TOTP({ secret: Secret.fromBase32((await auth.mfa.enrollTotp()).secret) });
    const codes = await auth.mfa.confirmTotp(totp.generate());
    const before = await auth.session();

    await expect(auth.stepUp({ recoveryCode: "not-a-code" })).rejects.toMatchObject({
      code: "invalid_code",
    });
    const after = await auth.stepUp({ recoveryCode: codes[0] ?? "" });
    expect(count(REFRESH)).toBe(1);
    expect(after.accessToken).not.toBe(before?.accessToken);
    const claims = (s: { accessToken: string } | null | undefined) =>
      JSON.parse(atob(s?.accessToken.split(".")[1] ?? ""));
    expect(claims(after).auth_time).toBeGreaterThanOrEqual(claims(before).auth_time);
    // The code went as the service's `recovery_code`, and was spent.
    expect((await auth.mfa.status()).recovery_codes_remaining).toBe(9);
  });

  it("replaces the recovery codes and turns the second factor off, each with a proof", async () => {
    const { auth, email } = await signedInClient("mfa-change");
    const totp = new TOTP({ secret: Secret.fromBase32((await auth.mfa.enrollTotp()).secret) });
    const first = await auth.mfa.confirmTotp(totp.generate());

    await expect(
      auth.mfa.regenerateRecoveryCodes({ password: "not the password" }),
    ).rejects.toMatchObject({ code: "invalid_credentials", status: 401 });
    const second = await auth.mfa.regenerateRecoveryCodes({ password });
    expect(second).toHaveLength(10);
    expect(second).not.toContain(first[0]);

    // The old codes stopped working; the new ones sign in.
    const fresh = newClient();
    const challenge = await fresh.auth.login({ email, password });
    if (challenge.status !== "mfa_required") throw new Error("expected the MFA challenge");
    await expect(
      fresh.auth.loginMfa({ mfaToken: challenge.mfaToken, recoveryCode: first[0] ?? "" }),
    ).rejects.toMatchObject({ code: "invalid_code" });
    await fresh.auth.loginMfa({ mfaToken: challenge.mfaToken, recoveryCode: second[0] ?? "" });

    await auth.mfa.disable({ recoveryCode: second[1] ?? "" });
    expect(await auth.mfa.status()).toEqual({
      enabled: false,
      totp: "none",
      recovery_codes_remaining: 0,
    });
    const plain = await newClient().auth.login({ email, password });
    expect(plain.status).toBe("signed_in");
  });

  it("signs in through the local IdP in app mode (PKCE S256, state, one-time code)", async () => {
    const { auth, storage } = newClient();
    const providers = await auth.social.providers();
    expect(providers.map((p) => p.id)).toContain("dev");
    const redirectUri = `${demo}/signed-in`;
    const start = await auth.social.startAppSignIn({
      provider: "dev",
      redirectUri,
      loginHint: "dev-user",
    });
    const url = new URL(start.url);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("state")).toBe(start.state);

    const landed = await followUntil(new CookieJar(), start.url, redirectUri);
    expect(new URL(landed.url).searchParams.get("code")).toBeTruthy();
    await expect(
      auth.social.finishAppSignIn({ ...start, callbackUrl: landed.url, state: "another" }),
    ).rejects.toMatchObject({ code: "invalid_state", status: 0 });
    const result = await auth.social.finishAppSignIn({ ...start, callbackUrl: landed.url });
    expect(result.status).toBe("signed_in");
    expect(await storage.get()).toMatchObject({ refreshToken: expect.any(String) });
    expect((await auth.me()).email).toBe("dev@example.test");
    // The code is single-use.
    const code = new URL(landed.url).searchParams.get("code") ?? "";
    await expect(
      auth.social.exchangeCode({ code, codeVerifier: start.codeVerifier }),
    ).rejects.toMatchObject({ code: "invalid_grant" });
  });

  it("lists, links and unlinks the account's providers through the local IdP", async () => {
    const { auth } = await signedInClient("link");
    expect(await auth.identities.list()).toEqual({ password_set: true, identities: [] });
    const redirectUri = `${demo}/signed-in`;
    // An account with a password proves it again before it gains a way to sign in.
    await expect(auth.identities.startLink({ provider: "dev", redirectUri })).rejects.toMatchObject(
      {
        code: "reauthentication_required",
        status: 401,
      },
    );
    const hinted = await auth.identities.startLink({
      provider: "dev",
      redirectUri,
      password,
      loginHint: "someone@example.test",
    });
    expect(new URL(hinted.url).searchParams.get("login_hint")).toBe("someone@example.test");

    const start = await auth.identities.startLink({
      provider: "dev",
      redirectUri,
      password,
      state: "s1",
    });
    const providerEmail = newEmail("idp");
    const landed = await followUntil(new CookieJar(), start.url, redirectUri, (page) => {
      const form = /<form method="post" action="([^"]+)">/.exec(page.body)?.[1];
      return form
        ? { url: new URL(form, page.url).href, form: { email: providerEmail } }
        : undefined;
    });
    expect(new URL(landed.url).searchParams.get("state")).toBe("s1");
    // Nothing is linked until the client that started the link completes it.
    expect((await auth.identities.list()).identities).toEqual([]);
    await expect(
      auth.identities.finishLink({ ...start, state: "another", callbackUrl: landed.url }),
    ).rejects.toMatchObject({ code: "invalid_state", status: 0 });
    expect(await auth.identities.finishLink({ ...start, callbackUrl: landed.url })).toEqual({
      provider: "dev",
    });
    const { identities } = await auth.identities.list();
    expect(identities).toEqual([
      expect.objectContaining({ provider: "dev", email: providerEmail }),
    ]);

    await auth.identities.unlink(identities[0]?.id ?? "");
    expect((await auth.identities.list()).identities).toEqual([]);
    await expect(auth.identities.unlink(identities[0]?.id ?? "")).rejects.toMatchObject({
      code: "not_found",
      status: 404,
    });
  });

  it("verifies the address, resends, resets and changes the password, and changes the address, through the mail sink", async () => {
    const { auth, email, events } = await signedInClient("mail");
    const [welcome] = await mailTo(email);
    await auth.email.resendVerification();
    await auth.email.resendVerification({ email });
    const mails = await mailTo(email, 3);
    const latest = mails.at(-1);
    expect(tokenIn(latest, "verify-email")).not.toBe(tokenIn(welcome, "verify-email"));
    await auth.email.verify(tokenIn(latest, "verify-email"));
    expect((await auth.me()).email_verified).toBe(true);

    const changed = "lamp orbit cedar loudly 43";
    await auth.password.change({ currentPassword: password, newPassword: changed });
    await expect(auth.login({ email, password })).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    expect((await auth.login({ email, password: changed })).status).toBe("signed_in");

    const address = newEmail("mail-new");
    await auth.email.change({ password: changed, newEmail: address });
    const [link] = await mailTo(address);
    await auth.email.verify(tokenIn(link, "verify-email"));
    expect((await auth.me()).email).toBe(address);

    // A reset ends every session: this client finds out at its next refresh.
    const before = (await mailTo(address)).length;
    await auth.password.forgot(address);
    const reset = (await mailTo(address, before + 1)).at(-1);
    const third = "lamp orbit cedar softly 44";
    await auth.password.reset({ token: tokenIn(reset, "reset-password"), password: third });
    await expect(auth.refresh()).rejects.toMatchObject({ code: "invalid_grant" });
    expect(events).toEqual([expect.objectContaining({ reason: "session_ended" })]);
    expect((await auth.login({ email: address, password: third })).status).toBe("signed_in");
  });

  it("lists and revokes sessions, logs out and logs out everywhere", async () => {
    const a = await signedInClient("sessions");
    const b = newClient();
    await b.auth.login({ email: a.email, password });
    const listed = await a.auth.sessions.list();
    expect(listed).toHaveLength(2);
    const other = listed.find((s) => !s.current);
    await a.auth.sessions.revoke(other?.id ?? "");
    await expect(b.auth.refresh()).rejects.toMatchObject({ code: "invalid_grant" });
    expect(b.events).toHaveLength(1);

    const c = newClient();
    await c.auth.login({ email: a.email, password });
    await c.auth.logout();
    expect(await c.storage.get()).toBeNull();
    expect(c.events).toEqual([{ reason: "logout" }]);
    expect(c.count("POST /v1/logout")).toBe(1);

    await a.auth.logoutAll();
    expect(a.events).toEqual([{ reason: "logout" }]);
    await expect(a.auth.me()).rejects.toMatchObject({ code: "unauthorized" });
    expect(await a.auth.sessions.list().catch((e: { code: string }) => e.code)).toBe(
      "unauthorized",
    );
  });
});
