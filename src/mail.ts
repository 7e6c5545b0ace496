import type { z } from "zod";
import type { Config } from "./core-config";
import type { Services } from "./services";

/** One rendered mail. */
export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** An email provider. Throws when the provider did not accept the mail. */
export interface Mailer {
  /**
   * Sends one mail. `idempotencyKey` lets a retry of an ambiguous failure be
   * answered from the provider's memory instead of sending twice.
   */
  send(mail: OutgoingMail, idempotencyKey?: string): Promise<void>;
}

/**
 * Mail work handed from a request to the mail queue's consumer, by kind, as a
 * registry: a feature that sends mail adds its kinds and their payloads
 * (declaration merging) and a handler for each (Feature.mailJobs). Never a
 * secret: a job names whom to mail and why; the consumer mints any token.
 */
// biome-ignore lint/suspicious/noEmptyInterface: a registry that features extend.
export interface MailJobRegistry {}

export type MailJobKind = keyof MailJobRegistry;

export type MailJobOf<K extends MailJobKind> = { kind: K } & MailJobRegistry[K];

export type MailJob = { [K in MailJobKind]: MailJobOf<K> }[MailJobKind];

/** The mail queue; undefined in Services while email is not configured. */
export interface MailJobs {
  enqueue(job: MailJob): Promise<void>;
}

/** One delivery of a queued job: the queue message's id and how often it was tried. */
export interface MailDelivery {
  idempotencyKey: string;
  attempt: number;
}

/** What a handler sends with and through. */
export interface MailJobContext {
  services: Services;
  config: Config;
  mailer: Mailer;
  /** Links in mails point here (APP_BASE_URL). */
  appBaseUrl: string;
}

/**
 * How one kind is checked (queue bodies are validated like request bodies: a
 * malformed one is dropped, never retried) and run. `run` throws when the
 * provider refused the mail (the queue retries); a retry mints fresh tokens.
 */
export interface MailJobHandler<K extends MailJobKind = MailJobKind> {
  readonly kind: K;
  /** The payload without `kind`. */
  readonly payload: z.ZodType<MailJobRegistry[K]>;
  run(ctx: MailJobContext, job: MailJobOf<K>, delivery: MailDelivery): Promise<"sent" | "skipped">;
}

/** A handler whatever its kind, for the registry. */
export const defineMailJob = <K extends MailJobKind>(handler: MailJobHandler<K>): MailJobHandler =>
  handler as unknown as MailJobHandler;
