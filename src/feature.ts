import type { Redis } from "@upstash/redis/cloudflare";
import type { Hono } from "hono";
import type { Db } from "./adapters/postgres/client";
import type { AppEnv } from "./app-env";
import type { AccountDisableGuard } from "./auth/account-disable";
import type { AccountErasureGuard } from "./auth/account-erasure";
import type { AccountFactsSource } from "./auth/account-facts";
import type { SecondFactor } from "./auth/second-factor";
import type { SessionClaimsSource, SignInGate } from "./auth/sign-in";
import type { AnyConfigPart, Config } from "./core-config";
import type { ErrorCatalog } from "./errors";
import type { MailJobHandler } from "./mail";
import type { AuditEventType, HealthProbe } from "./ports";
import type { EntryContext, RequestScope, Services } from "./services";

/**
 * A feature: one vertical slice (routes, domain, ports, adapters, schema,
 * config, errors) that plugs into the core through this contract and is
 * listed once in src/features.ts (and its config part once in src/config.ts).
 * It contributes to the central registries instead of editing them; the core
 * never imports a feature, and a feature never imports another.
 * docs/architecture.md walks through one.
 */
export interface Feature {
  readonly name: string;
  /** Its variables and its section of Config (the same object src/config.ts lists). */
  readonly config: AnyConfigPart;
  /** The audit event types it records (declared in AuditEventRegistry by its events.ts). */
  readonly auditEvents: readonly AuditEventType[];
  /** Its error catalogs. */
  readonly errors: readonly ErrorCatalog[];
  /**
   * Its ports, built from its adapters: the feature's part of the composition
   * root, which alone calls these factories, each on first use in a request.
   */
  readonly services?: ServiceFactories;
  /** Its HTTP routes, mounted after the core's. */
  readonly routes?: Hono<AppEnv>;
  /** Gates it adds to the sign-in seam, asked in the registry's order. */
  signInGates?(ctx: ServiceContext): readonly SignInGate[];
  /** What it adds to every new session's claims snapshot (SessionClaims). */
  sessionClaims?(ctx: ServiceContext): SessionClaimsSource;
  /** Ways it offers to meet a sign-in's second factor (asked by the MFA gate). */
  secondFactors?(ctx: ServiceContext): readonly SecondFactor[];
  /** What it shows administrators about an account (GET /v1/admin/users/:id). */
  accountFacts?(ctx: ServiceContext): AccountFactsSource;
  /** What it must settle, or refuse, before an account is erased. */
  erasureGuard?(ctx: ServiceContext): AccountErasureGuard;
  /** What it must settle, or refuse, before an account is disabled. */
  disableGuard?(ctx: ServiceContext): AccountDisableGuard;
  /** Handlers of the mail job kinds it queues (declared in MailJobRegistry). */
  readonly mailJobs?: readonly MailJobHandler[];
  /** What it does when an account is registered (in the background). */
  registered?(services: Services, userId: string): Promise<void>;
  /** Dependencies `/ready` checks for it. */
  probes?(ctx: ServiceContext): readonly HealthProbe[];
  /** Consumers of the queues it owns, by queue name. */
  readonly queues?: Readonly<Record<string, QueueConsumer>>;
  /** Its work for the cron trigger. */
  scheduled?(entry: EntryContext, scheduledTime: number): Promise<void>;
}

/** How each service is built from the request's context: on first use, once per request. */
export type ServiceFactories = {
  readonly [K in keyof Services]?: (ctx: ServiceContext) => Services[K];
};

/** What a feature's part of the composition root builds from. */
export interface ServiceContext {
  readonly config: Config;
  readonly env: Env;
  readonly scope: RequestScope;
  /** The request's Postgres client (one per request, created on first use). */
  db(): Db;
  /** The request's Redis client (one per request, created on first use). */
  redis(): Redis;
  /** Every service, core and features', for what a feature's ports need of them. */
  readonly services: Services;
}

/** Consumes one batch of a queue the feature owns. */
export type QueueConsumer = (batch: MessageBatch<unknown>, entry: EntryContext) => Promise<void>;
