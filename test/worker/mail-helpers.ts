import { env } from "cloudflare:workers";
import { neon } from "@neondatabase/serverless";
import { registerLocalBridge } from "../../src/adapters/postgres/client";

/** The local Resend-API sink the test stack binds EMAIL_API_URL to (dev/stack/mail-sink.ts). */
export const SINK = env.EMAIL_API_URL.replace(/\/emails$/, "");

export interface SinkMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  idempotency_key?: string;
}

export async function mailsTo(address: string): Promise<SinkMail[]> {
  const res = await fetch(`${SINK}/messages`);
  const all = (await res.json()) as SinkMail[];
  return all.filter((m) => m.to.some((t) => t.toLowerCase() === address.toLowerCase()));
}

/**
 * Waits (bounded) until the queue consumer has delivered `count` mails to the
 * address whose subject matches, and returns them.
 */
export async function waitForMail(
  address: string,
  subject: RegExp,
  { count = 1, timeoutMs = 15_000 } = {},
): Promise<SinkMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mailsTo(address)).filter((m) => subject.test(m.subject));
    if (found.length >= count) return found;
    if (Date.now() > deadline)
      throw new Error(`no mail "${subject}" to ${address} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The token of the link in a mail (`…?token=…`), checked in the text and the HTML part. */
export function tokenFrom(mail: SinkMail, path: string): string {
  const pattern = new RegExp(`https://app\\.example\\.test${path}\\?token=([A-Za-z0-9_-]+)`);
  const fromText = pattern.exec(mail.text ?? "")?.[1];
  const fromHtml = pattern.exec(mail.html ?? "")?.[1];
  if (!fromText || fromText !== fromHtml) throw new Error("no token link in the mail");
  return fromText;
}

export async function failNextSends(to: string, count: number): Promise<void> {
  await fetch(`${SINK}/control/fail-next`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ to, count }),
  });
}

export async function rejectedSendsTo(
  address: string,
): Promise<Array<{ subject: string; idempotency_key?: string }>> {
  const all = (await (await fetch(`${SINK}/control/rejected`)).json()) as Array<{
    to: string[];
    subject: string;
    idempotency_key?: string;
  }>;
  return all.filter((m) => m.to.includes(address.toLowerCase()));
}

export function sql() {
  registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
  return neon(env.DATABASE_URL);
}
