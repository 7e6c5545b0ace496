// Passkeys end to end in workerd with a software authenticator
// (test/worker/support/soft-authenticator.ts), real Postgres and Redis: the
// two ceremonies, management, and the attacks peers' users have reported.
import { describe, expect, it } from "vitest";
import { call, GOOD_PASSWORD, postJson } from "./helpers";
import { bearer, enableTotpDirectly } from "./mfa-helpers";
import { login, newUser } from "./session-helpers";
import { auditEvents, claimsOf } from "./social-helpers";
import { type Alg, SoftAuthenticator } from "./support/soft-authenticator";

const ORIGIN = "http://localhost:8787";

interface Options {
  flow_id: string;
  options: never;
}

/** Registration options for a password account, its password confirmed. */
async function registerOptions(access: string): Promise<Options> {
  const res = await postJson(
    "/v1/passkeys/register/options",
    { password: GOOD_PASSWORD },
    bearer(access),
  );
  expect(res.status).toBe(200);
  return (await res.json()) as Options;
}

/** A user with a passkey on this authenticator; answers the user, tokens and the passkey id. */
async function userWithPasskey(auth = new SoftAuthenticator(), tag = "pk") {
  const user = await newUser(tag);
  const tokens = await login(user.email);
  const { flow_id, options } = await registerOptions(tokens.access_token);
  const response = await auth.register(options, { origin: ORIGIN });
  const res = await postJson(
    "/v1/passkeys/register/verify",
    { flow_id, response, name: "My key" },
    bearer(tokens.access_token),
  );
  expect(res.status).toBe(201);
  const passkey = (await res.json()) as { id: string; name: string };
  return { ...user, tokens, passkey, auth };
}

async function loginOptions(email?: string): Promise<Options> {
  const res = await postJson("/v1/passkeys/login/options", email ? { email } : {});
  expect(res.status).toBe(200);
  return (await res.json()) as Options;
}

const loginVerify = (body: Record<string, unknown>) => postJson("/v1/passkeys/login/verify", body);

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

describe("registration", () => {
  for (const alg of ["ES256", "EdDSA"] as Alg[]) {
    for (const attestation of ["none", "packed"] as const) {
      it(`${alg} with ${attestation} attestation: registered, listed, and signs in`, async () => {
        const u = await userWithPasskey(new SoftAuthenticator({ alg, attestation }), `pk-${alg}`);
        expect(u.passkey.name).toBe("My key");
        const list = await call("/v1/passkeys", { headers: bearer(u.tokens.access_token) });
        const { passkeys } = (await list.json()) as {
          passkeys: Array<{ id: string; device_type: string }>;
        };
        expect(passkeys.map((p) => p.id)).toEqual([u.passkey.id]);
        const { flow_id, options } = await loginOptions(u.email);
        const response = await u.auth.authenticate(options, { origin: ORIGIN });
        const res = await loginVerify({ flow_id, response });
        expect(res.status).toBe(200);
        const { access_token } = (await res.json()) as { access_token: string };
        expect(claimsOf(access_token).sub).toBe(u.id);
        expect(claimsOf(access_token).amr).toEqual(["hwk", "mfa"]);
      });
    }
  }

  it("requires a resident (discoverable) key and user verification, attestation none, and excludes the user's passkeys", async () => {
    const u = await userWithPasskey(undefined, "pk-options");
    const { options } = (await registerOptions(u.tokens.access_token)) as unknown as {
      options: {
        rp: { id: string };
        user: { id: string; name: string };
        attestation: string;
        authenticatorSelection: { residentKey: string; userVerification: string };
        excludeCredentials: Array<{ id: string }>;
      };
    };
    expect(options.rp.id).toBe("localhost");
    expect(options.attestation).toBe("none");
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    expect(options.excludeCredentials.map((c) => c.id)).toEqual([u.auth.credentials[0]?.id]);
    // The user handle is the account id's 16 bytes, not the email.
    const handle = atob(options.user.id.replaceAll("-", "+").replaceAll("_", "/"));
    const hex = Array.from(handle, (ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");
    expect(hex).toBe(u.id.replaceAll("-", ""));
  });

  it("a token alone adds no passkey: a password account confirms its password first", async () => {
    // Whoever holds a fresh access token (read by a script, leaked from a log)
    // must not turn it into a passkey, a credential of their own.
    const user = await newUser("pk-reauth");
    const { access_token } = await login(user.email);
    const attacker = new SoftAuthenticator();
    const without = await postJson("/v1/passkeys/register/options", {}, bearer(access_token));
    expect(without.status).toBe(401);
    expect(((await without.json()) as { error: string }).error).toBe("reauthentication_required");
    const wrong = await postJson(
      "/v1/passkeys/register/options",
      { password: `${GOOD_PASSWORD}x` },
      bearer(access_token),
    );
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_credentials");
    const listed = await call("/v1/passkeys", { headers: bearer(access_token) });
    expect(((await listed.json()) as { passkeys: unknown[] }).passkeys).toEqual([]);
    // With the password, the owner registers one.
    const { flow_id, options } = await registerOptions(access_token);
    const response = await attacker.register(options, { origin: ORIGIN });
    const done = await postJson(
      "/v1/passkeys/register/verify",
      { flow_id, response, name: "Mine" },
      bearer(access_token),
    );
    expect(done.status).toBe(201);
  });

  it("the same credential cannot be registered twice", async () => {
    const u = await userWithPasskey(undefined, "pk-dup");
    const { flow_id, options } = await registerOptions(u.tokens.access_token);
    const again = await u.auth.register(options, {
      origin: ORIGIN,
      ignoreExcludeCredentials: true,
    });
    // A fresh credential from the same authenticator is fine; replaying the first response is not.
    const first = await u.auth.register((await registerOptions(u.tokens.access_token)).options, {
      origin: ORIGIN,
      ignoreExcludeCredentials: true,
    });
    expect(
      (
        await postJson(
          "/v1/passkeys/register/verify",
          { flow_id, response: again },
          bearer(u.tokens.access_token),
        )
      ).status,
    ).toBe(201);
    const replayFlow = await registerOptions(u.tokens.access_token);
    const replay = await postJson(
      "/v1/passkeys/register/verify",
      { flow_id: replayFlow.flow_id, response: first },
      bearer(u.tokens.access_token),
    );
    // `first` answered another flow's challenge.
    expect(replay.status).toBe(401);
  });

  it("refuses a registration with a wrong origin, RP ID, missing user verification or a cross-origin frame", async () => {
    const user = await newUser("pk-reg-attacks");
    const { access_token } = await login(user.email);
    const cases = [
      { origin: "https://evil.example" },
      { origin: ORIGIN, rpIdOverride: "evil.example" },
      { origin: ORIGIN, userVerified: false },
      { origin: ORIGIN, crossOrigin: true },
      { origin: ORIGIN, typeOverride: "webauthn.get" },
    ];
    for (const overrides of cases) {
      const { flow_id, options } = await registerOptions(access_token);
      const response = await new SoftAuthenticator().register(options, overrides);
      const res = await postJson(
        "/v1/passkeys/register/verify",
        { flow_id, response },
        bearer(access_token),
      );
      expect(res.status, JSON.stringify(overrides)).toBe(401);
      expect(await errorOf(res)).toBe("passkey_rejected");
    }
    const list = await call("/v1/passkeys", { headers: bearer(access_token) });
    expect(((await list.json()) as { passkeys: unknown[] }).passkeys).toEqual([]);
  });
});

describe("signing in", () => {
  it("discoverable (no email): the browser picks the passkey; a synced one says swk", async () => {
    const auth = new SoftAuthenticator({ backupEligible: true });
    const u = await userWithPasskey(auth, "pk-discoverable");
    const { flow_id, options } = await loginOptions();
    expect((options as unknown as { allowCredentials?: unknown[] }).allowCredentials ?? []).toEqual(
      [],
    );
    const res = await loginVerify({
      flow_id,
      response: await auth.authenticate(options, { origin: ORIGIN }),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect(claimsOf(access_token).sub).toBe(u.id);
    expect(claimsOf(access_token).amr).toEqual(["swk", "mfa"]);
  });

  it("a passkey is two factors: an account with TOTP on is not asked for a code", async () => {
    const u = await userWithPasskey(undefined, "pk-mfa");
    await enableTotpDirectly(u.id, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    const { flow_id, options } = await loginOptions(u.email);
    const res = await loginVerify({
      flow_id,
      response: await u.auth.authenticate(options, { origin: ORIGIN }),
    });
    expect(((await res.json()) as Record<string, unknown>).access_token).toBeTruthy();
  });

  it("cookie mode: the refresh token only in the cookie", async () => {
    const u = await userWithPasskey(undefined, "pk-cookie");
    const { flow_id, options } = await loginOptions(u.email);
    const res = await loginVerify({
      flow_id,
      response: await u.auth.authenticate(options, { origin: ORIGIN }),
      token_transport: "cookie",
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, unknown>).refresh_token).toBeUndefined();
    expect(res.headers.getSetCookie().join()).toMatch(/^__Host-refresh=/);
  });

  it("a challenge works once: a replayed assertion or flow is refused", async () => {
    const u = await userWithPasskey(undefined, "pk-replay");
    const { flow_id, options } = await loginOptions(u.email);
    const response = await u.auth.authenticate(options, { origin: ORIGIN });
    expect((await loginVerify({ flow_id, response })).status).toBe(200);
    const again = await loginVerify({ flow_id, response });
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toBe("invalid_flow");
    // The same assertion against a fresh flow: its challenge is not this one.
    const fresh = await loginOptions(u.email);
    const replay = await loginVerify({ flow_id: fresh.flow_id, response });
    expect(replay.status).toBe(401);
  });

  it("concurrent verifications of one flow: exactly one session", async () => {
    const u = await userWithPasskey(undefined, "pk-race");
    const { flow_id, options } = await loginOptions(u.email);
    const response = await u.auth.authenticate(options, { origin: ORIGIN });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => loginVerify({ flow_id, response })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  const ATTACKS: Array<[string, Record<string, unknown>]> = [
    ["a wrong origin", { origin: "https://evil.example" }],
    ["a wrong RP ID hash", { origin: ORIGIN, rpIdOverride: "evil.example" }],
    ["no user verification", { origin: ORIGIN, userVerified: false }],
    ["a cross-origin frame", { origin: ORIGIN, crossOrigin: true }],
    ["a create-type client data", { origin: ORIGIN, typeOverride: "webauthn.create" }],
  ];
  for (const [what, overrides] of ATTACKS) {
    it(`refuses an assertion with ${what}`, async () => {
      const u = await userWithPasskey(new SoftAuthenticator({ counterStartsAt: 1 }), "pk-attack");
      const { flow_id, options } = await loginOptions(u.email);
      const response = await u.auth.authenticate(options, overrides as never);
      const res = await loginVerify({ flow_id, response });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toBe("passkey_rejected");
    });
  }

  it("a counter that does not go up is refused and audited as a possible clone; one that stays 0 is fine", async () => {
    const counting = await userWithPasskey(
      new SoftAuthenticator({ counterStartsAt: 5 }),
      "pk-counter",
    );
    const first = await loginOptions(counting.email);
    expect(
      (
        await loginVerify({
          flow_id: first.flow_id,
          response: await counting.auth.authenticate(first.options, { origin: ORIGIN }),
        })
      ).status,
    ).toBe(200);
    const second = await loginOptions(counting.email);
    const regressed = await counting.auth.authenticate(second.options, {
      origin: ORIGIN,
      counterOverride: 3,
    });
    const res = await loginVerify({ flow_id: second.flow_id, response: regressed });
    expect(res.status).toBe(401);
    const anomalies = (await auditEvents(["passkey_counter_anomaly"])).filter(
      (e) => e.user_id === counting.id,
    );
    expect(anomalies).toHaveLength(1);

    const zero = await userWithPasskey(new SoftAuthenticator({ counterStartsAt: 0 }), "pk-zero");
    for (let i = 0; i < 2; i++) {
      const o = await loginOptions(zero.email);
      expect(
        (
          await loginVerify({
            flow_id: o.flow_id,
            response: await zero.auth.authenticate(o.options, { origin: ORIGIN }),
          })
        ).status,
      ).toBe(200);
    }
  });

  it("refuses another user's credential for a named account, a swapped user handle, and a deleted passkey", async () => {
    const a = await userWithPasskey(undefined, "pk-a");
    const b = await userWithPasskey(undefined, "pk-b");
    // Options for b, answered with a's credential.
    const forB = await loginOptions(b.email);
    const aResponse = await a.auth.authenticate(forB.options, {
      origin: ORIGIN,
      credentialId: a.auth.credentials[0]?.id,
    });
    expect((await loginVerify({ flow_id: forB.flow_id, response: aResponse })).status).toBe(401);
    // a's credential claiming b's user handle.
    const open = await loginOptions();
    const swapped = await a.auth.authenticate(open.options, {
      origin: ORIGIN,
      userHandleOverride: b.auth.credentials[0]?.userHandle ?? undefined,
    });
    expect((await loginVerify({ flow_id: open.flow_id, response: swapped })).status).toBe(401);
    // A deleted passkey signs nobody in.
    const del = await call(`/v1/passkeys/${a.passkey.id}`, {
      method: "DELETE",
      headers: bearer(a.tokens.access_token),
    });
    expect(del.status).toBe(204);
    const after = await loginOptions(a.email);
    const res = await loginVerify({
      flow_id: after.flow_id,
      response: await a.auth.authenticate(after.options, {
        origin: ORIGIN,
        credentialId: a.auth.credentials[0]?.id,
      }),
    });
    expect(res.status).toBe(401);
  });

  it("options for an unknown address look like a discoverable request", async () => {
    const { options } = await loginOptions(`nobody-${crypto.randomUUID()}@example.com`);
    expect((options as unknown as { allowCredentials?: unknown[] }).allowCredentials ?? []).toEqual(
      [],
    );
  });
});

describe("as the second factor after a password", () => {
  it("a password login stops at the passkey; the assertion finishes it through POST /v1/login/mfa", async () => {
    const u = await userWithPasskey(undefined, "pk-2fa");
    const first = await postJson("/v1/login", { email: u.email, password: GOOD_PASSWORD });
    const body = (await first.json()) as {
      mfa_required?: boolean;
      mfa_token: string;
      methods: string[];
    };
    expect(body.mfa_required).toBe(true);
    expect(body.methods).toEqual(["passkey"]);
    const { flow_id, options } = await loginOptions();
    const response = await u.auth.authenticate(options, { origin: ORIGIN });
    const second = await postJson("/v1/login/mfa", {
      mfa_token: body.mfa_token,
      passkey: { flow_id, response },
    });
    expect(second.status).toBe(200);
    const { access_token } = (await second.json()) as { access_token: string };
    expect(claimsOf(access_token).sub).toBe(u.id);
    expect(claimsOf(access_token).amr).toEqual(["pwd", "hwk", "mfa"]);
  });

  it("another account's passkey does not meet this account's second factor", async () => {
    const victim = await userWithPasskey(undefined, "pk-2fa-victim");
    const attacker = await userWithPasskey(undefined, "pk-2fa-attacker");
    const first = await postJson("/v1/login", { email: victim.email, password: GOOD_PASSWORD });
    const { mfa_token } = (await first.json()) as { mfa_token: string };
    const { flow_id, options } = await loginOptions();
    const response = await attacker.auth.authenticate(options, { origin: ORIGIN });
    const second = await postJson("/v1/login/mfa", { mfa_token, passkey: { flow_id, response } });
    expect(second.status).toBe(401);
    expect(await errorOf(second)).toBe("passkey_rejected");
  });
});

describe("management", () => {
  it("rename and delete need step-up and touch only one's own passkeys; all audited", async () => {
    const a = await userWithPasskey(undefined, "pk-manage-a");
    const b = await userWithPasskey(undefined, "pk-manage-b");
    const rename = (token: string, id: string, name: string) =>
      call(`/v1/passkeys/${id}`, {
        method: "PATCH",
        headers: { ...bearer(token), "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
    expect((await rename(a.tokens.access_token, b.passkey.id, "mine now")).status).toBe(404);
    expect((await rename(a.tokens.access_token, a.passkey.id, "Laptop")).status).toBe(204);
    const list = (await (
      await call("/v1/passkeys", { headers: bearer(a.tokens.access_token) })
    ).json()) as {
      passkeys: Array<{ name: string }>;
    };
    expect(list.passkeys.map((p) => p.name)).toEqual(["Laptop"]);
    expect(
      (
        await call(`/v1/passkeys/${b.passkey.id}`, {
          method: "DELETE",
          headers: bearer(a.tokens.access_token),
        })
      ).status,
    ).toBe(404);
    const types = ["passkey_registered", "passkey_renamed", "passkey_used"];
    const mine = (await auditEvents(types)).filter((e) => e.user_id === a.id).map((e) => e.type);
    expect(mine).toContain("passkey_registered");
    expect(mine).toContain("passkey_renamed");
  });
});
