import type { Mailer } from "../../../mail";

export class MailerError extends Error {
  override name = "MailerError";
  readonly status: number | undefined;

  constructor(status: number | undefined) {
    super(status === undefined ? "provider unreachable" : `provider answered ${status}`);
    this.status = status;
  }
}

/**
 * Resend's send API (`POST https://api.resend.com/emails`, Bearer key, JSON
 * `{from, to, subject, html, text}`, `Idempotency-Key` honoured for 24 h).
 * Any provider with an HTTP send call fits the Mailer port the same way.
 */
export function createResendMailer(opts: {
  url: string;
  apiKey: string;
  from: string;
  timeoutMs: number;
}): Mailer {
  return {
    async send(mail, idempotencyKey) {
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${opts.apiKey}`,
            "content-type": "application/json",
            ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          },
          body: JSON.stringify({
            from: opts.from,
            to: [mail.to],
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
          }),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
      } catch {
        throw new MailerError(undefined);
      }
      // Drain the body either way so the connection can be reused.
      await res.arrayBuffer().catch(() => {});
      if (!res.ok) throw new MailerError(res.status);
    },
  };
}
