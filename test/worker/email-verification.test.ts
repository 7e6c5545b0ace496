import { describe, expect, it } from "vitest";
import { callWithEnv, GOOD_PASSWORD, insideOneWindow, postJson, uniqueEmail } from "./helpers";
import { mailsTo, sql, tokenFrom, waitForMail } from "./mail-helpers";
import { login, me, refresh } from "./session-helpers";

const claimsOf = (jwt: string) =>
  JSON.parse(atob((jwt.split(".")[1] as string).replaceAll("-", "+").replaceAll("_", "/"))) as {
    email_verified?: boolean;
  };

const CONFIRM = /^Confirm your email address$/;

async function registered(): Promise<{ email: string; id: string }> {
  const email = uniqueEmail("verify");
  const res = await postJson("/v1/register", { email, password: GOOD_PASSWORD });
  expect(res.status).toBe(201);
  const { user } = (await res.json()) as { user: { id: string; email_verified: boolean } };
  expect(user.email_verified).toBe(false);
  return { email, id: user.id };
}

const verify = (token: string) => postJson("/v1/email/verify", { token });

describe("email verification (through the real queue consumer and the mail sink)", () => {
  it("register sends a mail whose link verifies the address, once", async () => {
    const { email } = await registered();
    const [mail] = await waitForMail(email, CONFIRM);
    expect(mail?.from).toBe("edge-auth tests <no-reply@auth.test>");
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/verify-email");
    expect(token).toHaveLength(43);

    const pair = await login(email);
    const before = (await (await me(pair.access_token)).json()) as { email_verified: boolean };
    expect(before.email_verified).toBe(false);

    expect(claimsOf(pair.access_token).email_verified).toBe(false);
    expect((await verify(token)).status).toBe(200);
    const after = (await (await me(pair.access_token)).json()) as { email_verified: boolean };
    expect(after.email_verified).toBe(true);
    // The live session was told: its next access token says so, as does a new login's.
    const rotated = (await (await refresh(pair.refresh_token)).json()) as { access_token: string };
    expect(claimsOf(rotated.access_token).email_verified).toBe(true);
    expect(claimsOf((await login(email)).access_token).email_verified).toBe(true);
    // Single use.
    const again = await verify(token);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe("invalid_token");
  });

  it("stores only the SHA-256 of the token, never the token", async () => {
    const { email, id } = await registered();
    const [mail] = await waitForMail(email, CONFIRM);
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/verify-email");
    const rows =
      await sql()`select token_hash from email_verification_tokens where user_id = ${id}`;
    expect(rows).toHaveLength(1);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)),
    );
    const expected = btoa(String.fromCharCode(...digest))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    expect(rows[0]?.token_hash).toBe(expected);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("an expired verification token verifies nothing", async () => {
    const { email, id } = await registered();
    const [mail] = await waitForMail(email, CONFIRM);
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/verify-email");
    await sql()`update email_verification_tokens set expires_at = now() - interval '1 second' where user_id = ${id}`;
    expect((await verify(token)).status).toBe(400);
    const rows = await sql()`select email_verified_at from users where id = ${id}`;
    expect(rows[0]?.email_verified_at).toBeNull();
  });

  it("resend queues a fresh mail for a signed-in user", async () => {
    const { email } = await registered();
    await waitForMail(email, CONFIRM);
    const pair = await login(email);
    const res = await postJson(
      "/v1/email/verify/resend",
      {},
      {
        authorization: `Bearer ${pair.access_token}`,
      },
    );
    expect(res.status).toBe(202);
    const mails = await waitForMail(email, CONFIRM, { count: 2 });
    const [first, second] = mails.map((m) => tokenFrom(m, "/verify-email"));
    expect(first).not.toBe(second);
    // Both were issued and neither is used: the second one works.
    expect((await verify(second as string)).status).toBe(200);
  });

  it("resend is limited per account (5 an hour), whatever the client's address", async () => {
    await insideOneWindow(3600, 10);
    const { email } = await registered();
    const pair = await login(email);
    // Each request comes from a fresh address (helpers), so only the per-account bucket binds.
    const resend = () =>
      postJson("/v1/email/verify/resend", {}, { authorization: `Bearer ${pair.access_token}` });
    for (let i = 0; i < 5; i++) expect((await resend()).status).toBe(202);
    const refused = await resend();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The registration mail and the five accepted resends, and nothing for the refused one.
    await waitForMail(email, CONFIRM, { count: 6 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailsTo(email)).toHaveLength(6);
  });

  it("resend takes a valid bearer token, or an email without one", async () => {
    const bad = { authorization: "Bearer not-a-token" };
    expect((await postJson("/v1/email/verify/resend", {}, bad)).status).toBe(401);
    expect((await postJson("/v1/email/verify/resend", {})).status).toBe(400);
  });

  it("malformed tokens are refused without a lookup", async () => {
    for (const token of ["", "x", "a".repeat(44), `${"a".repeat(42)}!`]) {
      expect((await verify(token)).status).toBe(400);
    }
  });
});

describe("configuration of the email flows", () => {
  const body = (b: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.77" },
    body: JSON.stringify(b),
  });

  it("REQUIRE_EMAIL_VERIFICATION=true: login answers 403 until the address is verified", async () => {
    const { email } = await registered();
    const [mail] = await waitForMail(email, CONFIRM);
    const strict = { REQUIRE_EMAIL_VERIFICATION: "true" };
    const refused = await callWithEnv(
      strict,
      "/v1/login",
      body({ email, password: GOOD_PASSWORD }),
    );
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe("email_not_verified");
    expect(
      (await verify(tokenFrom(mail as NonNullable<typeof mail>, "/verify-email"))).status,
    ).toBe(200);
    const allowed = await callWithEnv(
      strict,
      "/v1/login",
      body({ email, password: GOOD_PASSWORD }),
    );
    expect(allowed.status).toBe(200);
  });

  it("fails closed when verification is required but no provider key is set", async () => {
    const res = await callWithEnv(
      { REQUIRE_EMAIL_VERIFICATION: "true", EMAIL_API_KEY: undefined },
      "/.well-known/jwks.json",
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toBe("server_misconfigured");
  });

  it("without EMAIL_API_KEY the email endpoints do not exist and registration still works", async () => {
    const off = { EMAIL_API_KEY: undefined };
    const forgot = await callWithEnv(off, "/v1/password/forgot", body({ email: uniqueEmail() }));
    expect(forgot.status).toBe(404);
    const email = uniqueEmail("nomail");
    const reg = await callWithEnv(off, "/v1/register", body({ email, password: GOOD_PASSWORD }));
    expect(reg.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailsTo(email)).toEqual([]);
  });
});
