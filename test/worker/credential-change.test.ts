import { describe, expect, it } from "vitest";
import { GOOD_PASSWORD, loginWith, postJson, uniqueEmail } from "./helpers";
import { mailsTo, sql, tokenFrom, waitForMail } from "./mail-helpers";
import { login, me, newUser, refresh } from "./session-helpers";

const NEW_PASSWORD = "a brand new and long passphrase 2026";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("POST /v1/password/change", () => {
  it("needs the current password, ends the other sessions, keeps this one, tells the owner", async () => {
    const user = await newUser("chpw");
    const current = await login(user.email);
    const other = await login(user.email);

    const wrong = await postJson(
      "/v1/password/change",
      { current_password: "not my password at all", new_password: NEW_PASSWORD },
      bearer(current.access_token),
    );
    expect(wrong.status).toBe(401);
    expect((await loginWith(user.email, GOOD_PASSWORD)).status).toBe(200);

    const res = await postJson(
      "/v1/password/change",
      { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
      bearer(current.access_token),
    );
    expect(res.status).toBe(204);
    expect((await loginWith(user.email, NEW_PASSWORD)).status).toBe(200);
    expect((await loginWith(user.email, GOOD_PASSWORD)).status).toBe(401);
    expect((await me(current.access_token)).status).toBe(200);
    expect((await refresh(current.refresh_token)).status).toBe(200);
    expect((await me(other.access_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(400);
    await waitForMail(user.email, /^Your password was changed$/);
  });

  it("logins with the old password racing the change: none keeps a live session", async () => {
    const user = await newUser("chpw-race");
    const current = await login(user.email);
    const change = postJson(
      "/v1/password/change",
      { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
      bearer(current.access_token),
    );
    // Logins spread over the change: some read the old hash before it commits
    // and finish hashing after it, the window the session's insert closes.
    const logins: Array<Promise<Response>> = [];
    for (let i = 0; i < 10; i++) {
      logins.push(loginWith(user.email, GOOD_PASSWORD));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect((await change).status).toBe(204);
    for (const res of await Promise.all(logins)) {
      if (res.status !== 200) {
        expect(res.status).toBe(401);
        continue;
      }
      const pair = (await res.json()) as { access_token: string; refresh_token: string };
      expect((await refresh(pair.refresh_token)).status).toBe(400);
      expect((await me(pair.access_token)).status).toBe(401);
    }
  });

  it("keeps the other sessions when asked to", async () => {
    const user = await newUser("chpw-keep");
    const current = await login(user.email);
    const other = await login(user.email);
    const res = await postJson(
      "/v1/password/change",
      {
        current_password: GOOD_PASSWORD,
        new_password: NEW_PASSWORD,
        revoke_other_sessions: false,
      },
      bearer(current.access_token),
    );
    expect(res.status).toBe(204);
    expect((await refresh(other.refresh_token)).status).toBe(200);
  });

  it("kills outstanding reset tokens and applies the new-password policy", async () => {
    const user = await newUser("chpw-reset");
    const pair = await login(user.email);
    await postJson("/v1/password/forgot", { email: user.email });
    const [mail] = await waitForMail(user.email, /^Reset your password$/);
    const weak = await postJson(
      "/v1/password/change",
      { current_password: GOOD_PASSWORD, new_password: "short" },
      bearer(pair.access_token),
    );
    expect(weak.status).toBe(400);
    await postJson(
      "/v1/password/change",
      { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
      bearer(pair.access_token),
    );
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/reset-password");
    const late = await postJson("/v1/password/reset", {
      token,
      password: "an attacker's long passphrase 2026",
    });
    expect(late.status).toBe(400);
  });
});

describe("POST /v1/email/change", () => {
  it("re-authenticates, mails the new address a link and the old one a notice; the link switches", async () => {
    const user = await newUser("chmail");
    const pair = await login(user.email);
    const newEmail = uniqueEmail("chmail-new");

    const wrong = await postJson(
      "/v1/email/change",
      { password: "not my password at all", new_email: newEmail },
      bearer(pair.access_token),
    );
    expect(wrong.status).toBe(401);

    const res = await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: newEmail },
      bearer(pair.access_token),
    );
    expect(res.status).toBe(202);
    const [link] = await waitForMail(newEmail, /^Confirm your new email address$/);
    await waitForMail(user.email, /^A change of your email address was requested$/);
    // Nothing changed yet.
    const before = (await (await me(pair.access_token)).json()) as { email: string };
    expect(before.email).toBe(user.email);

    const token = tokenFrom(link as NonNullable<typeof link>, "/verify-email");
    expect((await postJson("/v1/email/verify", { token })).status).toBe(200);
    const after = (await (await me(pair.access_token)).json()) as {
      email: string;
      email_verified: boolean;
    };
    expect(after).toMatchObject({ email: newEmail, email_verified: true });
    expect((await loginWith(newEmail, GOOD_PASSWORD)).status).toBe(200);
    expect((await loginWith(user.email, GOOD_PASSWORD)).status).toBe(401);
    await waitForMail(user.email, /^Your email address was changed$/);
    expect((await postJson("/v1/email/verify", { token })).status).toBe(400);
  });

  it("refuses the account's own address (in any case) and sends nothing", async () => {
    const user = await newUser("chmail-same");
    const pair = await login(user.email);
    const res = await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: user.email.toUpperCase() },
      bearer(pair.access_token),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
    await waitForMail(user.email, /^Confirm your email address$/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailsTo(user.email)).toHaveLength(1); // the registration mail only
  });

  it("refuses an address another account has, now or by the time the link is used", async () => {
    const a = await newUser("chmail-a");
    const b = await newUser("chmail-b");
    const pair = await login(a.email);
    const taken = await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: b.email },
      bearer(pair.access_token),
    );
    expect(taken.status).toBe(409);

    const target = uniqueEmail("chmail-race");
    await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: target },
      bearer(pair.access_token),
    );
    const [link] = await waitForMail(target, /^Confirm your new email address$/);
    // Someone registers the address before the link is used.
    expect(
      (await postJson("/v1/register", { email: target, password: GOOD_PASSWORD })).status,
    ).toBe(201);
    const token = tokenFrom(link as NonNullable<typeof link>, "/verify-email");
    expect((await postJson("/v1/email/verify", { token })).status).toBe(409);
    const rows = await sql()`select email from users where id = ${a.id}`;
    expect(rows[0]?.email).toBe(a.email);
  });

  it("a registration token stops verifying once the address changed", async () => {
    const user = await newUser("chmail-stale");
    const [verifyMail] = await waitForMail(user.email, /^Confirm your email address$/);
    const pair = await login(user.email);
    const newEmail = uniqueEmail("chmail-stale-new");
    await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: newEmail },
      bearer(pair.access_token),
    );
    const [link] = await waitForMail(newEmail, /^Confirm your new email address$/);
    const changeToken = tokenFrom(link as NonNullable<typeof link>, "/verify-email");
    expect((await postJson("/v1/email/verify", { token: changeToken })).status).toBe(200);
    // The old registration link proves the old address only.
    await sql()`update users set email_verified_at = null where id = ${user.id}`;
    const oldToken = tokenFrom(verifyMail as NonNullable<typeof verifyMail>, "/verify-email");
    expect((await postJson("/v1/email/verify", { token: oldToken })).status).toBe(400);
    expect(await mailsTo(newEmail)).toHaveLength(1);
  });
});
