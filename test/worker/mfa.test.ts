// Multi-factor authentication end to end in workerd against real Postgres and
// Redis: enrollment, the second login step, single-use codes under concurrency,
// recovery codes, step-up, and the ways people have tried to get around it.
// `Date` is faked (and only Date) so codes are made for a known time step.

import { env, exports } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ADMIN, call, GOOD_PASSWORD, postJson } from "./helpers";
import { bearer, enableTotp, loginMfa, passwordStep, stepStart, totpAt } from "./mfa-helpers";
import { login, newUser, refresh } from "./session-helpers";
import { auditEvents, claimsOf } from "./social-helpers";

let now: number;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  now = stepStart();
  vi.setSystemTime(now);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the fake clock forward (and `now` with it). */
function advance(ms: number): void {
  now += ms;
  vi.setSystemTime(now);
}

/** A user with TOTP on: the secret, the recovery codes, and a session from before. */
async function mfaUser(tag = "mfa") {
  const user = await newUser(tag);
  const first = await login(user.email);
  const enabled = await enableTotp(first.access_token, now);
  return { ...user, ...enabled, tokens: first };
}

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

describe("enrollment", () => {
  it("gives a 160-bit base32 secret and an otpauth URI, and shows the secret only then", async () => {
    const user = await newUser("mfa-enroll");
    const { access_token } = await login(user.email);
    const { secret, uri, recoveryCodes } = await enableTotp(access_token, now);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.searchParams.get("issuer")).toBe("edge-auth");
    expect(decodeURIComponent(parsed.pathname)).toContain(user.email);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^([a-z2-7]{4}-){5}[a-z2-7]{4}$/);
    const view = await call("/v1/mfa", { headers: bearer(access_token) });
    const text = await view.text();
    expect(JSON.parse(text)).toEqual({
      enabled: true,
      totp: "active",
      recovery_codes_remaining: 10,
    });
    expect(text).not.toContain(secret);
  });

  it("a pending authenticator signs nobody in, and a wrong confirming code activates nothing", async () => {
    const user = await newUser("mfa-pending");
    const { access_token } = await login(user.email);
    const enroll = await call("/v1/mfa/totp/enroll", {
      method: "POST",
      headers: bearer(access_token),
    });
    const { secret } = (await enroll.json()) as { secret: string };
    const wrong = await postJson(
      "/v1/mfa/totp/confirm",
      { code: await totpAt(secret, now, 3) },
      bearer(access_token),
    );
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toBe("invalid_code");
    expect((await passwordStep(user.email)).body.access_token).toBeTruthy();
  });

  it("the code that confirmed enrollment cannot sign in afterwards", async () => {
    const user = await newUser("mfa-confirm-step");
    const { access_token } = await login(user.email);
    const { secret } = await enableTotp(access_token, now);
    const { body } = await passwordStep(user.email);
    const res = await loginMfa({ mfa_token: body.mfa_token, code: await totpAt(secret, now) });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe("invalid_code");
  });

  it("needs a recent sign-in (step-up)", async () => {
    const user = await newUser("mfa-enroll-old");
    const { refresh_token } = await login(user.email);
    advance(16 * 60_000);
    const { access_token } = (await (await refresh(refresh_token)).json()) as {
      access_token: string;
    };
    const res = await call("/v1/mfa/totp/enroll", {
      method: "POST",
      headers: bearer(access_token),
    });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe("insufficient_user_authentication");
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="edge-auth", error="insufficient_user_authentication", ' +
        'error_description="A more recent authentication is required", max_age="900"',
    );
  });
});

describe("signing in with a second factor", () => {
  it("the password step answers an mfa_token and no token; the code step the pair, with amr and auth_time", async () => {
    const u = await mfaUser();
    advance(30_000);
    const { res, body } = await passwordStep(u.email);
    expect(body).toEqual({
      mfa_required: true,
      mfa_token: expect.any(String),
      methods: ["totp", "recovery_code"],
    });
    expect(res.headers.getSetCookie()).toEqual([]);
    const second = await loginMfa({ mfa_token: body.mfa_token, code: await totpAt(u.secret, now) });
    expect(second.status).toBe(200);
    const tokens = (await second.json()) as { access_token: string; refresh_token: string };
    const claims = claimsOf(tokens.access_token);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(claims.auth_time).toBe(Math.floor(now / 1000));
    // A refresh is not an authentication: amr and auth_time stay.
    advance(60_000);
    const refreshed = (await (await refresh(tokens.refresh_token)).json()) as {
      access_token: string;
    };
    expect(claimsOf(refreshed.access_token).amr).toEqual(["pwd", "otp", "mfa"]);
    expect(claimsOf(refreshed.access_token).auth_time).toBe(claims.auth_time);
  });

  it("cookie mode stays cookie mode through the second step", async () => {
    const u = await mfaUser("mfa-cookie");
    advance(30_000);
    const { body } = await passwordStep(u.email, { token_transport: "cookie" });
    const second = await loginMfa({ mfa_token: body.mfa_token, code: await totpAt(u.secret, now) });
    expect(second.status).toBe(200);
    expect(((await second.json()) as Record<string, unknown>).refresh_token).toBeUndefined();
    expect(second.headers.getSetCookie().join()).toMatch(/^__Host-refresh=/);
  });

  it("accepts the previous step's code, refuses the next step's and older ones", async () => {
    const u = await mfaUser("mfa-drift");
    advance(5 * 30_000);
    for (const offset of [1, -2, -3]) {
      const { body } = await passwordStep(u.email);
      const res = await loginMfa({
        mfa_token: body.mfa_token,
        code: await totpAt(u.secret, now, offset),
      });
      expect(res.status, `offset ${offset}`).toBe(401);
    }
    const { body } = await passwordStep(u.email);
    const previous = await loginMfa({
      mfa_token: body.mfa_token,
      code: await totpAt(u.secret, now, -1),
    });
    expect(previous.status).toBe(200);
  });

  it("a code works once: replayed after success it is refused", async () => {
    const u = await mfaUser("mfa-replay");
    advance(30_000);
    const code = await totpAt(u.secret, now);
    const first = await passwordStep(u.email);
    expect((await loginMfa({ mfa_token: first.body.mfa_token, code })).status).toBe(200);
    const second = await passwordStep(u.email);
    const replay = await loginMfa({ mfa_token: second.body.mfa_token, code });
    expect(replay.status).toBe(401);
    expect(await errorOf(replay)).toBe("invalid_code");
    // Nor does the previous step's code, once a later step was accepted.
    const third = await passwordStep(u.email);
    const older = await loginMfa({
      mfa_token: third.body.mfa_token,
      code: await totpAt(u.secret, now, -1),
    });
    expect(older.status).toBe(401);
  });

  it("the same code on 8 sign-ins at once: exactly one succeeds", async () => {
    const u = await mfaUser("mfa-race");
    advance(30_000);
    const code = await totpAt(u.secret, now);
    const steps = await Promise.all(Array.from({ length: 8 }, () => passwordStep(u.email)));
    const results = await Promise.all(
      steps.map((s) => loginMfa({ mfa_token: s.body.mfa_token, code })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it("one mfa_token with a valid code 20 times at once: exactly one session", async () => {
    const u = await mfaUser("mfa-race-token");
    advance(30_000);
    const code = await totpAt(u.secret, now);
    const { body } = await passwordStep(u.email);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => loginMfa({ mfa_token: body.mfa_token, code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it("an mfa_token is single-use, lives at most 5 minutes, and belongs to its user", async () => {
    const a = await mfaUser("mfa-token-a");
    const b = await mfaUser("mfa-token-b");
    advance(30_000);
    const { body } = await passwordStep(a.email);
    // Another user's code for this user's token.
    const crossed = await loginMfa({
      mfa_token: body.mfa_token,
      code: await totpAt(b.secret, now),
    });
    expect(crossed.status).toBe(401);
    expect(await errorOf(crossed)).toBe("invalid_code");
    const ok = await loginMfa({ mfa_token: body.mfa_token, code: await totpAt(a.secret, now) });
    expect(ok.status).toBe(200);
    advance(30_000);
    const reused = await loginMfa({ mfa_token: body.mfa_token, code: await totpAt(a.secret, now) });
    expect(reused.status).toBe(401);
    expect(await errorOf(reused)).toBe("invalid_mfa_token");
    expect((await loginMfa({ mfa_token: "x".repeat(43), code: "123456" })).status).toBe(401);
  });

  it("an mfa_token is kept in Redis for at most 5 minutes, under its hash only", async () => {
    const u = await mfaUser("mfa-ttl");
    const { body } = await passwordStep(u.email);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body.mfa_token as string)),
    );
    let b = "";
    for (const x of digest) b += String.fromCharCode(x);
    const hash = btoa(b).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    });
    const ttl = await redis.ttl(`mfa:tok:${hash}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
    expect(await redis.exists(`mfa:tok:${body.mfa_token as string}`)).toBe(0);
  });

  it("five wrong codes and the mfa_token dies; ten on the account and it is throttled", async () => {
    const u = await mfaUser("mfa-brute");
    advance(30_000);
    const { body } = await passwordStep(u.email);
    const wrong = String((Number(await totpAt(u.secret, now)) + 1) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 5; i++) {
      const res = await loginMfa({ mfa_token: body.mfa_token, code: wrong });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toBe("invalid_code");
    }
    const dead = await loginMfa({ mfa_token: body.mfa_token, code: await totpAt(u.secret, now) });
    expect(dead.status).toBe(401);
    expect(await errorOf(dead)).toBe("invalid_mfa_token");
    // The account limit (10 per 15 min, counted per try) spans new tokens too.
    let throttled = 0;
    for (let i = 0; i < 6; i++) {
      const next = await passwordStep(u.email);
      const res = await loginMfa({ mfa_token: next.body.mfa_token, code: wrong });
      if (res.status === 429) throttled++;
    }
    expect(throttled).toBeGreaterThan(0);
  });
});

describe("recovery codes", () => {
  it("each works once, the count goes down, and regenerating kills the old ones", async () => {
    const u = await mfaUser("mfa-recovery");
    const [first, second] = u.recoveryCodes as [string, string];
    const step = await passwordStep(u.email);
    const used = await loginMfa({
      mfa_token: step.body.mfa_token,
      recovery_code: first.toUpperCase(),
    });
    expect(used.status).toBe(200);
    const { access_token } = (await used.json()) as { access_token: string };
    const again = await passwordStep(u.email);
    const replay = await loginMfa({ mfa_token: again.body.mfa_token, recovery_code: first });
    expect(replay.status).toBe(401);
    const view = (await (await call("/v1/mfa", { headers: bearer(access_token) })).json()) as {
      recovery_codes_remaining: number;
    };
    expect(view.recovery_codes_remaining).toBe(9);

    const regen = await postJson(
      "/v1/mfa/recovery-codes",
      { password: GOOD_PASSWORD },
      bearer(access_token),
    );
    expect(regen.status).toBe(200);
    const { recovery_codes } = (await regen.json()) as { recovery_codes: string[] };
    expect(recovery_codes).toHaveLength(10);
    const old = await passwordStep(u.email);
    expect((await loginMfa({ mfa_token: old.body.mfa_token, recovery_code: second })).status).toBe(
      401,
    );
    const fresh = await passwordStep(u.email);
    expect(
      (await loginMfa({ mfa_token: fresh.body.mfa_token, recovery_code: recovery_codes[0] }))
        .status,
    ).toBe(200);
  });

  it("the same recovery code on 8 sign-ins at once: exactly one succeeds", async () => {
    const u = await mfaUser("mfa-recovery-race");
    const steps = await Promise.all(Array.from({ length: 8 }, () => passwordStep(u.email)));
    const results = await Promise.all(
      steps.map((s) =>
        loginMfa({ mfa_token: s.body.mfa_token, recovery_code: u.recoveryCodes[0] }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
  });
});

describe("turning it off", () => {
  it("needs re-authentication: the password or a code; afterwards login is one step", async () => {
    const u = await mfaUser("mfa-disable");
    const bare = await postJson("/v1/mfa/disable", {}, bearer(u.tokens.access_token));
    expect(bare.status).toBe(400);
    const wrong = await postJson(
      "/v1/mfa/disable",
      { password: "not the password at all" },
      bearer(u.tokens.access_token),
    );
    expect(wrong.status).toBe(401);
    advance(30_000);
    const ok = await postJson(
      "/v1/mfa/disable",
      { code: await totpAt(u.secret, now) },
      bearer(u.tokens.access_token),
    );
    expect(ok.status).toBe(204);
    expect((await passwordStep(u.email)).body.access_token).toBeTruthy();
  });

  it("support can reset a user's MFA with the admin key, audited", async () => {
    const u = await mfaUser("mfa-admin");
    const res = await call(`/v1/admin/users/${u.id}/mfa`, { method: "DELETE", headers: ADMIN });
    expect(res.status).toBe(204);
    expect((await passwordStep(u.email)).body.access_token).toBeTruthy();
    const events = (await auditEvents(["mfa_reset"])).filter((e) => e.user_id === u.id);
    expect(events.map((e) => e.details)).toEqual([{ by: "admin_key" }]);
    const again = await call(`/v1/admin/users/${u.id}/mfa`, { method: "DELETE", headers: ADMIN });
    expect(again.status).toBe(409);
    const nobody = await call(`/v1/admin/users/${crypto.randomUUID()}/mfa`, {
      method: "DELETE",
      headers: ADMIN,
    });
    expect(nobody.status).toBe(404);
  });
});

describe("the audit trail", () => {
  it("records enrollment, confirmation, success, failure, recovery use, regeneration and disabling, with no secret", async () => {
    const u = await mfaUser("mfa-audit");
    advance(30_000);
    const wrongStep = await passwordStep(u.email);
    await loginMfa({ mfa_token: wrongStep.body.mfa_token, code: await totpAt(u.secret, now, 2) });
    const good = await passwordStep(u.email);
    await loginMfa({ mfa_token: good.body.mfa_token, code: await totpAt(u.secret, now) });
    const rc = await passwordStep(u.email);
    await loginMfa({ mfa_token: rc.body.mfa_token, recovery_code: u.recoveryCodes[0] });
    await postJson(
      "/v1/mfa/recovery-codes",
      { password: GOOD_PASSWORD },
      bearer(u.tokens.access_token),
    );
    await postJson("/v1/mfa/disable", { password: GOOD_PASSWORD }, bearer(u.tokens.access_token));
    const types = [
      "mfa_enrolled",
      "mfa_confirmed",
      "mfa_failed",
      "mfa_succeeded",
      "mfa_recovery_code_used",
      "mfa_recovery_codes_regenerated",
      "mfa_disabled",
    ];
    const mine = (await auditEvents(types)).filter((e) => e.user_id === u.id);
    expect(new Set(mine.map((e) => e.type))).toEqual(new Set(types));
    const text = JSON.stringify(mine);
    expect(text).not.toContain(u.secret);
    for (const c of u.recoveryCodes) expect(text).not.toContain(c);
  });
});

describe("step-up (RFC 9470)", () => {
  it("other Workers ask the same question: AuthService.verify(token, { maxAge })", async () => {
    const user = await newUser("stepup-rpc");
    const pair = await login(user.email);
    expect((await exports.AuthService.verify(pair.access_token, { maxAge: 60 })).ok).toBe(true);
    advance(2 * 60_000);
    expect(await exports.AuthService.verify(pair.access_token, { maxAge: 60 })).toEqual({
      ok: false,
      error: "insufficient_user_authentication",
    });
    expect((await exports.AuthService.verify(pair.access_token, { maxAge: 900 })).ok).toBe(true);
    expect((await exports.AuthService.verify(pair.access_token)).ok).toBe(true);
  });

  it("an email change needs a recent sign-in too", async () => {
    const user = await newUser("stepup-email");
    const { refresh_token } = await login(user.email);
    advance(16 * 60_000);
    const { access_token } = (await (await refresh(refresh_token)).json()) as {
      access_token: string;
    };
    const res = await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: `new-${user.email}` },
      bearer(access_token),
    );
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe("insufficient_user_authentication");
  });

  it("an old sign-in cannot change the password until a second factor is confirmed", async () => {
    const u = await mfaUser("mfa-stepup");
    advance(16 * 60_000);
    const r = (await (await refresh(u.tokens.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const change = () =>
      postJson(
        "/v1/password/change",
        { current_password: GOOD_PASSWORD, new_password: `${GOOD_PASSWORD} again` },
        bearer(r.access_token),
      );
    const refused = await change();
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toBe("insufficient_user_authentication");

    const stepUp = await postJson(
      "/v1/mfa/step-up",
      { code: await totpAt(u.secret, now) },
      bearer(r.access_token),
    );
    expect(stepUp.status).toBe(200);
    expect(((await stepUp.json()) as { auth_time: number }).auth_time).toBe(Math.floor(now / 1000));
    const renewed = (await (await refresh(r.refresh_token)).json()) as { access_token: string };
    expect(claimsOf(renewed.access_token).auth_time).toBe(Math.floor(now / 1000));
    expect(claimsOf(renewed.access_token).amr).toEqual(["pwd", "otp", "mfa"]);
    const allowed = await postJson(
      "/v1/password/change",
      { current_password: GOOD_PASSWORD, new_password: `${GOOD_PASSWORD} again` },
      bearer(renewed.access_token),
    );
    expect(allowed.status).toBe(204);
  });

  it("ending another session needs a recent sign-in; ending one's own does not", async () => {
    const user = await newUser("stepup-sessions");
    const a = await login(user.email);
    const b = await login(user.email);
    advance(16 * 60_000);
    const fresh = (await (await refresh(a.refresh_token)).json()) as { access_token: string };
    const other = claimsOf(b.access_token).sid as string;
    const own = claimsOf(fresh.access_token).sid as string;
    const refused = await call(`/v1/sessions/${other}`, {
      method: "DELETE",
      headers: bearer(fresh.access_token),
    });
    expect(refused.status).toBe(401);
    const ownEnd = await call(`/v1/sessions/${own}`, {
      method: "DELETE",
      headers: bearer(fresh.access_token),
    });
    expect(ownEnd.status).toBe(204);
  });
});
