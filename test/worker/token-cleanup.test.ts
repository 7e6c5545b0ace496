import {
  createExecutionContext,
  createScheduledController,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { sql } from "./mail-helpers";
import { newUser } from "./session-helpers";

describe("scheduled cleanup (cron)", () => {
  it("deletes expired reset and verification tokens and keeps live ones", async () => {
    const user = await newUser("cleanup");
    const db = sql();
    const tag = crypto.randomUUID();
    await db`insert into password_reset_tokens (token_hash, user_id, email, expires_at)
      values (${`${tag}-r-old`}, ${user.id}, ${user.email}, now() - interval '2 hours'),
             (${`${tag}-r-live`}, ${user.id}, ${user.email}, now() + interval '1 hour')`;
    await db`insert into email_verification_tokens (token_hash, user_id, purpose, email, expires_at)
      values (${`${tag}-v-old`}, ${user.id}, 'verify', ${user.email}, now() - interval '1 day'),
             (${`${tag}-v-live`}, ${user.id}, 'verify', ${user.email}, now() + interval '1 day')`;

    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(), cron: "17 3 * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);

    const left = await db`
      select token_hash from password_reset_tokens where token_hash like ${`${tag}-%`}
      union all
      select token_hash from email_verification_tokens where token_hash like ${`${tag}-%`}`;
    expect(left.map((r) => r.token_hash).sort()).toEqual([`${tag}-r-live`, `${tag}-v-live`]);
  });
});
