import { ConfigError } from "../../core-config";
import { errorName, log } from "../../log";
import type { EntryContext } from "../../services";
import { MailJobSchema, runMailJob } from "./mail-jobs";
import type { Mailer, MailJob } from "./ports";
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
  const deps = {
    users: services.users,
    tokens: services.recoveryTokens,
    mailer: services.mailer as Mailer,
    limiter: services.limiter,
    clock: services.clock,
    appBaseUrl: email.appBaseUrl,
  };
  for (const message of batch.messages) {
    const parsed = MailJobSchema.safeParse(message.body);
    if (!parsed.success) {
      log("warn", "malformed mail job dropped", { messageId: message.id });
      message.ack();
      continue;
    }
    const job: MailJob = parsed.data;
    try {
      const outcome = await runMailJob(deps, job, {
        idempotencyKey: message.id,
        attempt: message.attempts,
      });
      log("info", `mail job ${outcome}`, { messageId: message.id, kind: job.kind });
      message.ack();
    } catch (err) {
      log("warn", "mail job failed", {
        messageId: message.id,
        kind: job.kind,
        error: errorName(err),
      });
      message.retry({
        delaySeconds: retryDelaySeconds(email.retryBaseSeconds, message.attempts),
      });
    }
  }
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
    const parsed = MailJobSchema.safeParse(message.body);
    log("error", "mail dead-lettered", {
      messageId: message.id,
      kind: parsed.success ? parsed.data.kind : "malformed",
    });
    message.ack();
  }
}
