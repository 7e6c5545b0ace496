import { env } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it, vi } from "vitest";
import { accountKey } from "../../src/auth/throttle";
import { call, GOOD_PASSWORD, loginWith, postJson, uniqueEmail } from "./helpers";
import {
  failNextSends,
  mailsTo,
  rejectedSendsTo,
  sql,
  tokenFrom,
  waitForMail,
} from "./mail-helpers";
import { login, me, newUser, refresh } from "./session-helpers";

const RESET = /^Reset your password$/;
const CHANGED = /^Your password was changed$/;
const NEW_PASSWORD = "a new and quite long passphrase 2026";

const redis = () =>
  new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
const forgot = (email: string) => postJson("/v1/password/forgot", { email });
const reset = (token: string, password = NEW_PASSWORD) =>
  postJson("/v1/password/reset", { token, password });

async function resetTokenFor(email: string, count = 1): Promise<string> {
  const mails = await waitForMail(email, RESET, { count });
  return tokenFrom(mails[count - 1] as (typeof mails)[number], "/reset-password");
}

describe("password reset (through the real queue consumer and the mail sink)", () => {
  it("forgot → mail → reset → login with the new password only; sessions end; owner told", async () => {
    const user = await newUser("reset");
    const pair = await login(user.email);
    const res = await forgot(user.email);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted" });

    const token = await resetTokenFor(user.email);
    expect(token).toHaveLength(43);
    const done = await reset(token);
    expect(done.status).toBe(200);

    expect((await loginWith(user.email, NEW_PASSWORD)).status).toBe(200);
    expect((await loginWith(user.email, GOOD_PASSWORD)).status).toBe(401);
    // RESET_REVOKES_SESSIONS defaults to true: the old session is dead, both tokens.
    expect((await refresh(pair.refresh_token)).status).toBe(400);
    expect((await me(pair.access_token)).status).toBe(401);
    await waitForMail(user.email, CHANGED);
  });

  it("opening the link changes nothing: only the POST consumes the token", async () => {
    const user = await newUser("scanner");
    await forgot(user.email);
    const token = await resetTokenFor(user.email);
    // What a mail scanner does with the link: GET it (here, against this service).
    await call(`/reset-password?token=${token}`);
    await call(`/v1/password/reset?token=${token}`);
    expect((await reset(token)).status).toBe(200);
  });

  it("a used token fails", async () => {
    const user = await newUser("reuse");
    await forgot(user.email);
    const token = await resetTokenFor(user.email);
    expect((await reset(token)).status).toBe(200);
    const again = await reset(token, "yet another long passphrase 2026");
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe("invalid_token");
    expect((await loginWith(user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it("an expired token fails and leaves the password alone", async () => {
    const user = await newUser("expired");
    await forgot(user.email);
    const token = await resetTokenFor(user.email);
    await sql()`update password_reset_tokens set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    expect((await reset(token)).status).toBe(400);
    expect((await loginWith(user.email, GOOD_PASSWORD)).status).toBe(200);
  });

  it("the token is valid for one hour and only its SHA-256 is stored", async () => {
    const user = await newUser("ttl");
    await forgot(user.email);
    const token = await resetTokenFor(user.email);
    const rows = await sql()`
      select token_hash, extract(epoch from expires_at - created_at) as ttl
      from password_reset_tokens where user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(Math.round(Number(rows[0]?.ttl))).toBe(3600);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("concurrent replays of one token: exactly one succeeds", async () => {
    const user = await newUser("race");
    await forgot(user.email);
    const token = await resetTokenFor(user.email);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => reset(token, `${NEW_PASSWORD} attempt ${i}`)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    const winner = results.findIndex((r) => r.status === 200);
    expect((await loginWith(user.email, `${NEW_PASSWORD} attempt ${winner}`)).status).toBe(200);
  });

  it("a reset invalidates the user's other reset tokens", async () => {
    const user = await newUser("others");
    await forgot(user.email);
    const first = await resetTokenFor(user.email);
    await forgot(user.email);
    const second = await resetTokenFor(user.email, 2);
    expect(first).not.toBe(second);
    expect((await reset(second)).status).toBe(200);
    expect((await reset(first, "some other long passphrase 2026")).status).toBe(400);
  });

  it("the new password must satisfy the policy, and the token survives a refused one", async () => {
    const user = await newUser("policy");
    await forgot(user.email);
    const token = await resetTokenFor(user.email);
    const weak = await reset(token, "short");
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: string }).error).toBe("invalid_request");
    expect((await reset(token)).status).toBe(200);
  });

  it("an unknown email gets the same 202 and no mail is sent", async () => {
    const known = await newUser("known");
    const unknown = uniqueEmail("nobody");
    const a = await forgot(unknown);
    const b = await forgot(known.email);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(await a.text()).toBe(await b.text());
    const names = (r: Response) =>
      [...r.headers.keys()].filter((k) => !k.startsWith("ratelimit-") && k !== "x-request-id");
    expect(names(a)).toEqual(names(b));
    await resetTokenFor(known.email);
    // Jobs for both were queued together; the known one arrived, so give the other time too.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailsTo(unknown)).toEqual([]);
  });

  it("sends at most 5 reset mails an hour to one account, and every request still gets the same 202", async () => {
    const user = await newUser("flood");
    const answers = [];
    for (let i = 0; i < 7; i++) {
      const res = await forgot(user.email);
      answers.push([res.status, await res.text()]);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]?.[0]).toBe(202);
    await waitForMail(user.email, RESET, { count: 5 });
    // All seven jobs were queued together; give the last two the time the first five took.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await mailsTo(user.email)).filter((m) => RESET.test(m.subject))).toHaveLength(5);
  });

  it("a provider failure is retried by the queue, as the same message, until the mail goes out", async () => {
    const user = await newUser("retry");
    await waitForMail(user.email, /^Confirm your email address$/);
    await failNextSends(user.email, 2);
    await forgot(user.email);
    const [mail] = await waitForMail(user.email, RESET, { timeoutMs: 25_000 });
    const refused = await rejectedSendsTo(user.email);
    expect(refused.map((r) => r.subject)).toEqual(["Reset your password", "Reset your password"]);
    // One queue message, one idempotency key: the two refusals and the delivery are one job.
    expect(mail?.idempotency_key).toMatch(/^[0-9a-f]{32}$/);
    expect(refused.map((r) => r.idempotency_key)).toEqual([
      mail?.idempotency_key,
      mail?.idempotency_key,
    ]);
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/reset-password");
    expect((await reset(token)).status).toBe(200);
  }, 40_000);

  it("a mail the provider refuses every time is tried 1 + max_retries times, then dead-lettered", async () => {
    const errors = vi.spyOn(console, "error");
    const warnings = vi.spyOn(console, "warn");
    const user = await newUser("dead");
    await waitForMail(user.email, /^Confirm your email address$/);
    await failNextSends(user.email, 100);
    await forgot(user.email);
    const deadline = Date.now() + 80_000;
    const deadLettered = () =>
      errors.mock.calls.some(
        ([line]) =>
          typeof line === "string" &&
          line.includes('"mail dead-lettered"') &&
          line.includes('"password_reset_request"'),
      );
    while (!deadLettered() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(deadLettered()).toBe(true);
    // wrangler.jsonc max_retries is 5: six attempts in all, then no more.
    const refused = await rejectedSendsTo(user.email);
    expect(refused).toHaveLength(6);
    expect(new Set(refused.map((r) => r.idempotency_key)).size).toBe(1);
    expect(await mailsTo(user.email)).toHaveLength(1); // only the registration mail
    // Ids and kinds only: the address appears in no line the consumer wrote.
    expect(JSON.stringify([errors.mock.calls, warnings.mock.calls])).not.toContain(user.email);
    errors.mockRestore();
    warnings.mockRestore();
  }, 100_000);

  it("a reset clears the account's failed-login backoff", async () => {
    const user = await newUser("backoff");
    for (let i = 0; i < 3; i++) await loginWith(user.email, "wrong password entirely");
    const failuresKey = `af:${await accountKey(user.email)}`;
    expect(await redis().hget(failuresKey, "n")).toBe(3);
    await forgot(user.email);
    expect((await reset(await resetTokenFor(user.email))).status).toBe(200);
    expect(await redis().exists(failuresKey)).toBe(0);
  });

  it("refuses malformed tokens and bodies", async () => {
    expect((await reset("not-a-token")).status).toBe(400);
    expect((await postJson("/v1/password/reset", { token: 1, password: "x" })).status).toBe(400);
    expect((await postJson("/v1/password/forgot", { email: "nope" })).status).toBe(400);
  });
});
