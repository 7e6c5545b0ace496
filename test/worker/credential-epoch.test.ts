// A credential change ends what was issued before it (security review, "credentials
// that outlive a recovery"): password change, password reset, logout-all and a
// completed email change end every outstanding reset and email-change token and
// every unexchanged legacy session of the user. Each test is an attack that
// succeeded before the rule existed.
import { describe, expect, it, vi } from "vitest";
import { callWithEnv, GOOD_PASSWORD, loginWith, postJson, uniqueEmail } from "./helpers";
import {
  IMPORTED_HASH,
  IMPORTED_PASSWORD,
  importRecords,
  sql as legacySql,
  newImportedUser,
} from "./legacy-helpers";
import { failNextSends, mailsTo, rejectedSendsTo, tokenFrom, waitForMail } from "./mail-helpers";
import { login, me, newUser, type TokenPair } from "./session-helpers";

const NEW_PASSWORD = "a new and quite long passphrase 2026";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const verify = (token: string) => postJson("/v1/email/verify", { token });
const reset = (token: string, password = NEW_PASSWORD) =>
  postJson("/v1/password/reset", { token, password });

/** An email change requested with the password (as an attacker who knows it would): the link's token. */
async function pendingEmailChange(pair: TokenPair, password = GOOD_PASSWORD): Promise<string> {
  const target = uniqueEmail("attacker");
  const res = await postJson(
    "/v1/email/change",
    { password, new_email: target },
    bearer(pair.access_token),
  );
  expect(res.status).toBe(202);
  const [mail] = await waitForMail(target, /^Confirm your new email address$/);
  return tokenFrom(mail as NonNullable<typeof mail>, "/verify-email");
}

/** A reset link mailed to the account's current address: its token. */
async function pendingReset(email: string): Promise<string> {
  expect((await postJson("/v1/password/forgot", { email })).status).toBe(202);
  const mails = await waitForMail(email, /^Reset your password$/);
  return tokenFrom(mails.at(-1) as NonNullable<(typeof mails)[number]>, "/reset-password");
}

async function changePassword(pair: TokenPair, current = GOOD_PASSWORD): Promise<void> {
  const res = await postJson(
    "/v1/password/change",
    { current_password: current, new_password: NEW_PASSWORD },
    bearer(pair.access_token),
  );
  expect(res.status).toBe(204);
}

async function logoutAll(pair: TokenPair): Promise<void> {
  const res = await postJson("/v1/logout-all", {}, bearer(pair.access_token));
  expect(res.status).toBe(204);
}

const emailOf = async (pair: TokenPair) =>
  ((await (await me(pair.access_token)).json()) as { email: string }).email;

describe("a pending email-change link", () => {
  it("dies when the owner changes the password (the attacker's link no longer takes the account)", async () => {
    const user = await newUser("epoch-change");
    const attacker = await login(user.email);
    const link = await pendingEmailChange(attacker);
    const owner = await login(user.email);
    await changePassword(owner);
    const res = await verify(link);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_token");
    expect(await emailOf(owner)).toBe(user.email);
  });

  it("dies with a password reset, and with a logout-all", async () => {
    const a = await newUser("epoch-reset");
    const linkA = await pendingEmailChange(await login(a.email));
    expect((await reset(await pendingReset(a.email))).status).toBe(200);
    expect((await verify(linkA)).status).toBe(400);

    const b = await newUser("epoch-logout");
    const pairB = await login(b.email);
    const linkB = await pendingEmailChange(pairB);
    await logoutAll(pairB);
    expect((await verify(linkB)).status).toBe(400);
    const fresh = await login(b.email);
    expect(await emailOf(fresh)).toBe(b.email);
  });

  it("of an earlier request dies when a later one completes", async () => {
    const user = await newUser("epoch-two");
    const pair = await login(user.email);
    const first = await pendingEmailChange(pair);
    const second = await pendingEmailChange(pair);
    expect((await verify(second)).status).toBe(200);
    expect((await verify(first)).status).toBe(400);
  });

  // The link is minted by the queue consumer, and again by every retry of its
  // mail: a retry that runs after the owner's recovery must not mint a fresh one.
  it("whose mail is still being retried when the owner changes the password is never sent", async () => {
    const infos = vi.spyOn(console, "log");
    const user = await newUser("epoch-retry");
    const attacker = await login(user.email);
    const target = uniqueEmail("attacker-retry");
    await failNextSends(target, 1);
    const res = await postJson(
      "/v1/email/change",
      { password: GOOD_PASSWORD, new_email: target },
      bearer(attacker.access_token),
    );
    expect(res.status).toBe(202);
    const deadline = Date.now() + 30_000;
    while ((await rejectedSendsTo(target)).length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await rejectedSendsTo(target)).toHaveLength(1);
    await changePassword(await login(user.email));
    // The retry runs: either it mints a link (the attack) or it skips the job.
    const confirmations = async () =>
      (await mailsTo(target)).filter((m) => /^Confirm your new email address$/.test(m.subject));
    const skipped = () =>
      infos.mock.calls.some(
        ([line]) =>
          typeof line === "string" &&
          line.includes('"mail job skipped"') &&
          line.includes('"email_change"'),
      );
    while (!skipped() && (await confirmations()).length === 0 && Date.now() < deadline + 30_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await confirmations()).toEqual([]);
    expect(skipped()).toBe(true);
  }, 70_000);

  it("issued after the change still works (the rule ends only what came before)", async () => {
    const user = await newUser("epoch-after");
    const pair = await login(user.email);
    await changePassword(pair);
    const link = await pendingEmailChange(pair, NEW_PASSWORD);
    expect((await verify(link)).status).toBe(200);
  });
});

describe("a reset link", () => {
  it("mailed to the old address dies when an email change completes", async () => {
    const user = await newUser("epoch-old-addr");
    const resetLink = await pendingReset(user.email);
    const pair = await login(user.email);
    expect((await verify(await pendingEmailChange(pair))).status).toBe(200);
    expect((await reset(resetLink)).status).toBe(400);
    expect((await loginWith(user.email, NEW_PASSWORD)).status).toBe(401);
  });

  it("is honoured only while the address it was mailed to is the account's", async () => {
    // The reset job read the old address and inserted its token after the change
    // had already committed: no change time to compare with, only the address.
    const user = await newUser("epoch-addr-race");
    const resetLink = await pendingReset(user.email);
    await legacySql`update users set email = ${uniqueEmail("moved")} where id = ${user.id}`;
    expect((await reset(resetLink)).status).toBe(400);
  });

  it("dies with a password change and with a logout-all", async () => {
    const a = await newUser("epoch-reset-change");
    const linkA = await pendingReset(a.email);
    await changePassword(await login(a.email));
    expect((await reset(linkA)).status).toBe(400);

    const b = await newUser("epoch-reset-logout");
    const linkB = await pendingReset(b.email);
    await logoutAll(await login(b.email));
    expect((await reset(linkB)).status).toBe(400);
  });
});

describe("imported, unexchanged legacy sessions", () => {
  async function legacySession(email: string): Promise<string> {
    const key = crypto.randomUUID().replaceAll("-", "");
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)),
    );
    const hash = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    const report = await importRecords("/v1/admin/legacy-sessions/import", [
      {
        session_key_sha256: hash,
        email,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    ]);
    expect(report.results[0]?.status).toBe("created");
    return key;
  }
  const exchange = (key: string) => postJson("/v1/legacy/exchange", { session_key: key });

  it.each([
    ["a password change", async (pair: TokenPair) => changePassword(pair, IMPORTED_PASSWORD)],
    ["a logout-all", logoutAll],
  ])("die with %s (a stolen monolith session no longer exchanges)", async (_name, act) => {
    const user = await newImportedUser("epoch-legacy");
    const stolen = await legacySession(user.email);
    const res = await loginWith(user.email, IMPORTED_PASSWORD);
    await act((await res.json()) as TokenPair);
    expect((await exchange(stolen)).status).toBe(400);
  });

  it("die with a password reset", async () => {
    const user = await newImportedUser("epoch-legacy-reset");
    const stolen = await legacySession(user.email);
    expect((await reset(await pendingReset(user.email))).status).toBe(200);
    expect((await exchange(stolen)).status).toBe(400);
  });

  it("exchange under REQUIRE_EMAIL_VERIFICATION like a password login: 403, and the session stays usable", async () => {
    const user = await newImportedUser("epoch-legacy-gate");
    const key = await legacySession(user.email);
    const strict = { REQUIRE_EMAIL_VERIFICATION: "true" };
    const body = {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.91" },
      body: JSON.stringify({ session_key: key }),
    };
    const refused = await callWithEnv(strict, "/v1/legacy/exchange", body);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe("email_not_verified");
    // Released, not spent: once the address is verified, the same session works.
    await legacySql`update users set email_verified_at = now() where id = ${user.id}`;
    expect((await callWithEnv(strict, "/v1/legacy/exchange", body)).status).toBe(200);
  });

  it("carry the account's real email_verified into the tokens", async () => {
    const user = await newImportedUser("epoch-legacy-verified", { email_verified: true });
    const res = await exchange(await legacySession(user.email));
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as TokenPair;
    const claims = JSON.parse(
      atob((access_token.split(".")[1] as string).replaceAll("-", "+").replaceAll("_", "/")),
    );
    expect(claims.email_verified).toBe(true);
  });
});

describe("pre-registration squatting before an import", () => {
  it("never binds an import's hash or sessions to an account the import did not create", async () => {
    // The attacker registers the victim's address before the carve-out import.
    const victim = uniqueEmail("squatted");
    const squatter = await postJson("/v1/register", { email: victim, password: GOOD_PASSWORD });
    expect(squatter.status).toBe(201);
    const users = await importRecords("/v1/admin/users/import", [
      { email: victim, password_hash: IMPORTED_HASH },
    ]);
    expect(users.results[0]).toMatchObject({
      status: "conflict",
      reason: "conflict_existing_account",
    });
    expect(users.summary).toMatchObject({ created: 0, conflict: 1 });

    const hash = "5a".repeat(32);
    const sessions = await importRecords("/v1/admin/legacy-sessions/import", [
      {
        session_key_sha256: hash,
        email: victim,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      },
    ]);
    expect(sessions.results[0]).toMatchObject({
      status: "conflict",
      reason: "conflict_existing_account",
    });
    expect(await legacySql`select 1 from legacy_sessions where key_hash = ${hash}`).toEqual([]);
    // The squatter's own password is still the only one.
    expect((await loginWith(victim, GOOD_PASSWORD)).status).toBe(200);
  });
});

describe("REQUIRE_EMAIL_VERIFICATION has a way through for every user", () => {
  const strict = { REQUIRE_EMAIL_VERIFICATION: "true" };
  const post = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": "198.51.100.92" },
    body: JSON.stringify(body),
  });

  it("a completed password reset marks the address verified (the link proved it)", async () => {
    const user = await newUser("gate-reset");
    const login403 = await callWithEnv(
      strict,
      "/v1/login",
      post({ email: user.email, password: GOOD_PASSWORD }),
    );
    expect(login403.status).toBe(403);
    expect((await reset(await pendingReset(user.email))).status).toBe(200);
    const ok = await callWithEnv(
      strict,
      "/v1/login",
      post({ email: user.email, password: NEW_PASSWORD }),
    );
    expect(ok.status).toBe(200);
  });

  it("a resend by address, without a session, mails a new link to an unverified account only", async () => {
    const user = await newUser("gate-resend");
    await waitForMail(user.email, /^Confirm your email address$/); // the registration's
    const answers = await Promise.all(
      [user.email, uniqueEmail("nobody")].map(async (email) => {
        const res = await postJson("/v1/email/verify/resend", { email });
        return [res.status, await res.text()];
      }),
    );
    // The same answer for a real and an unknown address.
    expect(answers[0]).toEqual([202, JSON.stringify({ status: "accepted" })]);
    expect(answers[1]).toEqual(answers[0]);
    const mails = await waitForMail(user.email, /^Confirm your email address$/, { count: 2 });
    const token = tokenFrom(mails[1] as NonNullable<(typeof mails)[number]>, "/verify-email");
    expect((await verify(token)).status).toBe(200);
    const ok = await callWithEnv(
      strict,
      "/v1/login",
      post({ email: user.email, password: GOOD_PASSWORD }),
    );
    expect(ok.status).toBe(200);
    // Verified now: a further resend by address sends nothing.
    expect((await postJson("/v1/email/verify/resend", { email: user.email })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailsTo(user.email)).toHaveLength(2);
  });

  it("a resend by address sends at most 5 mails an hour to one address, with the same 202 for every request", async () => {
    const user = await newUser("gate-flood");
    const CONFIRM = /^Confirm your email address$/;
    await waitForMail(user.email, CONFIRM); // the registration's: not counted by address
    const answers = [];
    for (let i = 0; i < 7; i++) {
      const res = await postJson("/v1/email/verify/resend", { email: user.email });
      answers.push([res.status, await res.text()]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.[0]).toBe(202);
    await waitForMail(user.email, CONFIRM, { count: 6 });
    // All seven jobs were queued together; give the last two the time the first five took.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await mailsTo(user.email)).filter((m) => CONFIRM.test(m.subject))).toHaveLength(6);
  });

  it("an import can state that the monolith verified the address", async () => {
    const user = await newImportedUser("gate-import", { email_verified: true });
    const ok = await callWithEnv(
      strict,
      "/v1/login",
      post({ email: user.email, password: IMPORTED_PASSWORD }),
    );
    expect(ok.status).toBe(200);
  });
});
