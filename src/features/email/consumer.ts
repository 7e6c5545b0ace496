import { ConfigError } from "../../core-config";
import { errorName, log } from "../../log";
import type { Mailer, MailJob, MailJobContext, MailJobHandler } from "../../mail";
import type { EntryContext } from "../../services";
import { retryDelaySeconds } from "./retry";

/**
 * The mail queue's consumer. Each message is acked once the provider took the
 * mail (or there was nothing to send) and retried with a growing delay
 * otherwise; after the queue's max_retries it goes to the dead-letter queue.
 */
export async function consumeMailBatch(
  batch: MessageBatch<unknown>,
  entry: EntryContext,
): Promise<void> {
  const config = entry.config;
  if (config instanceof ConfigError || !config.email) {
    // Nothing can be sent with this configuration; keep the mail for a fixed one.
    batch.retryAll({ delaySeconds: 300 });
    return;
  }
  const email = config.email;
  const services = entry.services(config);
  const ctx: MailJobContext = {
    services,
    config,
    mailer: services.mailer as Mailer,
    appBaseUrl: email.appBaseUrl,
  };
  for (const message of batch.messages) {
    const job = parseJob(services.mailJobHandlers, message.body);
    if (!job) {
      log("warn", "malformed mail job dropped", { messageId: message.id });
      message.ack();
      continue;
    }
    try {
      const outcome = await job.handler.run(ctx, job.body, {
        idempotencyKey: message.id,
        attempt: message.attempts,
      });
      log("info", `mail job ${outcome}`, { messageId: message.id, kind: job.body.kind });
      message.ack();
    } catch (err) {
      log("warn", "mail job failed", {
        messageId: message.id,
        kind: job.body.kind,
        error: errorName(err),
      });
      message.retry({
        delaySeconds: retryDelaySeconds(email.retryBaseSeconds, message.attempts),
      });
    }
  }
}

/** A queue body as a job of a registered kind whose payload its handler accepts, or null. */
function parseJob(
  handlers: ReadonlyMap<string, MailJobHandler>,
  body: unknown,
): { handler: MailJobHandler; body: MailJob } | null {
  const kind = (body as { kind?: unknown } | null)?.kind;
  const handler = typeof kind === "string" ? handlers.get(kind) : undefined;
  const payload = handler?.payload.safeParse(body);
  return handler && payload?.success
    ? { handler, body: { ...payload.data, kind } as MailJob }
    : null;
}

/** The mail queue and its dead-letter queue (wrangler.jsonc). */
export const MAIL_QUEUE = "edge-auth-mail";
export const DEAD_LETTER_QUEUE = "edge-auth-mail-dlq";

/**
 * Mail that failed every retry. One error line each, for alerting; then it is
 * dropped: a reset or verification mail hours late is worth less than a new
 * request from the user.
 */
export async function logDeadLetters(batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    // The kind only, and only if it looks like one: a line for alerting, not a parse.
    const kind = (message.body as { kind?: unknown } | null)?.kind;
    log("error", "mail dead-lettered", {
      messageId: message.id,
      kind: typeof kind === "string" && /^[a-z_]{1,64}$/.test(kind) ? kind : "malformed",
    });
    message.ack();
  }
}
