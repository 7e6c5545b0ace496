// Every way in stops at the second factor: the legacy exchange, social login
// (browser and app), a password reset, and the password step itself never
// leave a session behind. Real time: a code is made just before it is sent
// (the previous step's code is accepted too, so a step boundary in between
// does not matter).
import { describe, expect, it } from "vitest";
import { GOOD_PASSWORD, postJson } from "./helpers";
import { newImportedUser } from "./legacy-helpers";
import { sql, tokenFrom, waitForMail } from "./mail-helpers";
import { enableTotpDirectly, loginMfa, passwordStep, totpAt } from "./mfa-helpers";
import { login, newUser } from "./session-helpers";
import {
  appCode,
  auditEvents,
  browserSignIn,
  claimsOf,
  locationOf,
  oidcAccount,
  refreshCookieOf,
  userByEmail,
} from "./social-helpers";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const code = () => totpAt(SECRET, Date.now());

async function sessionsOf(userId: string): Promise<number> {
  const rows =
    (await sql()`select count(*)::int as n from refresh_families where user_id = ${userId}`) as Array<{
      n: number;
    }>;
  return rows[0]?.n ?? 0;
}

async function legacySessionFor(email: string): Promise<string> {
  const key = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
    "abcdefghijklmnopqrstuvwxyz0123456789".charAt(b % 36),
  ).join("");
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)),
  );
  const hash = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const res = await postJson(
    "/v1/admin/legacy-sessions/import",
    [
      {
        session_key_sha256: hash,
        email,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    ],
    { authorization: `Bearer ${"a".repeat(48)}` },
  );
  expect(res.status).toBe(200);
  return key;
}

describe("no way around the second factor", () => {
  it("the password step opens no session", async () => {
    const user = await newUser("bypass-pwd");
    await enableTotpDirectly(user.id, SECRET);
    const { body } = await passwordStep(user.email);
    expect(body.mfa_required).toBe(true);
    expect(body.refresh_token).toBeUndefined();
    expect(body.access_token).toBeUndefined();
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it("the legacy session exchange stops at it, then completes as an exchange", async () => {
    const user = await newImportedUser("bypass-legacy", { email_verified: true });
    await enableTotpDirectly(user.id, SECRET);
    const key = await legacySessionFor(user.email);
    const res = await postJson("/v1/legacy/exchange", { session_key: key });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ mfa_required: true, methods: ["totp", "recovery_code"] });
    expect(body.refresh_token).toBeUndefined();
    expect(await sessionsOf(user.id)).toBe(0);
    const second = await loginMfa({ mfa_token: body.mfa_token, code: await code() });
    expect(second.status).toBe(200);
    const { access_token } = (await second.json()) as { access_token: string };
    expect(claimsOf(access_token).amr).toEqual(["otp", "mfa"]);
    const events = (await auditEvents(["legacy_session_exchanged"])).filter(
      (e) => e.user_id === user.id,
    );
    expect(events).toHaveLength(1);
  });

  it("a legacy exchange in cookie mode keeps cookie mode through the second step: the refresh token never reaches the body", async () => {
    const user = await newImportedUser("bypass-legacy-cookie", { email_verified: true });
    await enableTotpDirectly(user.id, SECRET);
    const key = await legacySessionFor(user.email);
    const res = await postJson("/v1/legacy/exchange", {
      session_key: key,
      token_transport: "cookie",
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.mfa_required).toBe(true);
    const second = await loginMfa({ mfa_token: body.mfa_token, code: await code() });
    expect(second.status).toBe(200);
    expect(second.headers.get("set-cookie")).toMatch(/^__Host-refresh=/);
    const tokens = (await second.json()) as Record<string, unknown>;
    expect(tokens.access_token).toBeTypeOf("string");
    expect(tokens).not.toHaveProperty("refresh_token");
  });

  it("a credential change between the two steps ends the sign-in: the second factor opens no session for a password that was replaced", async () => {
    const user = await newUser("bypass-epoch");
    const owner = await login(user.email);
    await enableTotpDirectly(user.id, SECRET);
    const { body } = await passwordStep(user.email);
    expect(body.mfa_required).toBe(true);
    // The owner ends every session (a password change or reset advances the same epoch).
    const ended = await postJson(
      "/v1/logout-all",
      {},
      { authorization: `Bearer ${owner.access_token}` },
    );
    expect(ended.status).toBe(204);
    const second = await loginMfa({ mfa_token: body.mfa_token, code: await code() });
    expect(second.status).toBe(401);
    expect(((await second.json()) as { error: string }).error).toBe("invalid_credentials");
    expect(second.headers.get("set-cookie")).toBeNull();
    const live = (await sql()`select count(*)::int as n from refresh_families
      where user_id = ${user.id} and revoked_at is null`) as Array<{ n: number }>;
    expect(live[0]?.n).toBe(0);
  });

  it("social login in the browser stops at it: no cookie, the mfa_token in the redirect; the second step sets the cookie", async () => {
    const person = await oidcAccount("google");
    expect((await browserSignIn("google", person)).status).toBe(303);
    const user = await userByEmail(person.email as string);
    await enableTotpDirectly(user?.id as string, SECRET);
    const res = await browserSignIn("google", person, { state: "s-mfa" });
    const back = locationOf(res);
    expect(back.searchParams.get("mfa_required")).toBe("true");
    expect(back.searchParams.get("state")).toBe("s-mfa");
    expect(refreshCookieOf(res)).toBeNull();
    const second = await loginMfa({
      mfa_token: back.searchParams.get("mfa_token"),
      code: await code(),
    });
    expect(second.status).toBe(200);
    expect(refreshCookieOf(second)).toBeTruthy();
    expect(((await second.json()) as Record<string, unknown>).refresh_token).toBeUndefined();
  });

  it("social login in an app stops at it at the code exchange", async () => {
    const person = await oidcAccount("acme");
    const first = await appCode("acme", person);
    expect(
      (await postJson("/v1/oauth/token", { code: first.code, code_verifier: first.verifier }))
        .status,
    ).toBe(200);
    const user = await userByEmail(person.email as string);
    await enableTotpDirectly(user?.id as string, SECRET);
    const { code: appCodeValue, verifier } = await appCode("acme", person);
    const res = await postJson("/v1/oauth/token", { code: appCodeValue, code_verifier: verifier });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.mfa_required).toBe(true);
    expect(body.access_token).toBeUndefined();
    const second = await loginMfa({ mfa_token: body.mfa_token, code: await code() });
    expect(second.status).toBe(200);
    const { access_token } = (await second.json()) as { access_token: string };
    expect(claimsOf(access_token).amr).toEqual(["fed", "otp", "mfa"]);
  });

  it("a password reset does not turn it off", async () => {
    const user = await newUser("bypass-reset");
    await enableTotpDirectly(user.id, SECRET);
    expect((await postJson("/v1/password/forgot", { email: user.email })).status).toBe(202);
    const mails = await waitForMail(user.email, /^Reset your password$/);
    const token = tokenFrom(mails[0] as (typeof mails)[number], "/reset-password");
    const newPassword = `${GOOD_PASSWORD} after reset`;
    expect((await postJson("/v1/password/reset", { token, password: newPassword })).status).toBe(
      200,
    );
    const res = await postJson("/v1/login", { email: user.email, password: newPassword });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.mfa_required).toBe(true);
    expect(body.access_token).toBeUndefined();
  });
});
