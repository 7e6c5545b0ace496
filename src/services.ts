import type { AccountDisableGuard } from "./auth/account-disable";
import type { AccountErasureGuard } from "./auth/account-erasure";
import type { AccountFactsSource } from "./auth/account-facts";
import type { PasswordHasher } from "./auth/password/hasher";
import type { ForeignHashScheme } from "./auth/password/stored-password";
import type { RefreshFamilies } from "./auth/refresh/types";
import type { SecondFactor } from "./auth/second-factor";
import type { SessionDeps } from "./auth/sessions";
import type { SignInDeps } from "./auth/sign-in";
import type { CheckResult, CheckResultWith } from "./auth/tokens/check";
import type { AccessTokenClaims } from "./auth/tokens/claims";
import type { SigningKeySet } from "./auth/tokens/signing-keys";
import type { Config, ConfigError } from "./core-config";
import type { Mailer, MailJobHandler, MailJobs } from "./mail";
import type {
  AccountGuard,
  AuditLog,
  BotChallenge,
  BreachedPasswordCheck,
  Clock,
  GrantSource,
  HealthProbe,
  Metrics,
  RateLimiter,
  RefreshAdmission,
  RevocationList,
  SessionStore,
  UserDirectory,
  UserStore,
} from "./ports";

/**
 * What a request (or the RPC entrypoint, a queue consumer, the cron trigger)
 * works with: ports, never a driver, a client or a binding. Built by the
 * composition root (src/composition-root.ts), lazily: clients are created per
 * request and only when first used.
 */
export interface CoreServices {
  readonly clock: Clock;
  readonly users: UserStore;
  /** The admin's search and account states (disable, forced reset, erasure). */
  readonly userDirectory: UserDirectory;
  /** Who may do what now (the roles feature provides it). */
  readonly grants: GrantSource;
  /** Every feature's part of the admin's view of an account (Feature.accountFacts). */
  readonly accountFacts: readonly AccountFactsSource[];
  /** Every feature's checks before an account is erased (Feature.erasureGuard). */
  readonly erasureGuards: readonly AccountErasureGuard[];
  /** Every feature's checks before an account is disabled (Feature.disableGuard). */
  readonly disableGuards: readonly AccountDisableGuard[];
  readonly sessions: SessionStore;
  readonly families: RefreshFamilies;
  readonly revocation: RevocationList;
  readonly limiter: RateLimiter;
  /** The refresh's rate limit and not-before in one Redis round trip. */
  readonly refreshAdmission: RefreshAdmission;
  /** Data points for dashboards (Analytics Engine; a local sink in dev and tests). */
  readonly metrics: Metrics;
  readonly accountGuard: AccountGuard;
  readonly breachedPasswords: BreachedPasswordCheck | undefined;
  readonly botChallenge: BotChallenge | undefined;
  readonly passwords: PasswordHasher;
  /** Stored hash formats other than ours (a feature's, e.g. the legacy carve-out's); none by default. */
  readonly foreignHashes: ForeignHashScheme | undefined;
  /** What `/ready` checks: the core's dependencies and every feature's. */
  readonly probes: readonly HealthProbe[];
  /** The tamper-evident trail; `record` never waits on a database. */
  readonly audit: AuditLog;
  /** What the sign-in seam needs (src/auth/sign-in.ts): sessions, and every feature's gates in the registry's order. */
  readonly signIn: SignInDeps;
  /** Every feature's ways to meet a second factor (Feature.secondFactors), in the registry's order. */
  readonly secondFactors: readonly SecondFactor[];
  /** The mail queue; undefined when email is not configured (the email feature provides it). */
  readonly mailJobs: MailJobs | undefined;
  /** The email provider the queue consumer sends through; undefined when email is off. */
  readonly mailer: Mailer | undefined;
  /** Every feature's mail job handlers (Feature.mailJobs), by kind. */
  readonly mailJobHandlers: ReadonlyMap<string, MailJobHandler>;
  /** Tells every feature that an account was registered (e.g. to mail a verification link). */
  registered(userId: string): Promise<void>;
  signingKeys(): Promise<SigningKeySet>;
  sessionDeps(): SessionDeps;
  /** Signature, claims and revocation: the one online check for access tokens. */
  checkAccessToken(token: string): Promise<CheckResult>;
  /** `checkAccessToken` with `read` run beside the revocation lookup; its value only for a live token. */
  checkAccessTokenAlongside<T>(
    token: string,
    read: (claims: AccessTokenClaims) => Promise<T>,
  ): Promise<CheckResultWith<T>>;
  /**
   * The same check for consumer Workers over the binding (`verify()`,
   * `authorize()`, `introspect()`): with REVOCATION_CACHE_MS > 0 this isolate
   * may reuse a "not revoked" answer that long; with 0 (the default) it is
   * `checkAccessToken`.
   */
  checkConsumerToken(token: string): Promise<CheckResult>;
}

/** The features' ports: each feature adds its own (declaration merging, in its services.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: a registry that features extend.
export interface FeatureServices {}

export type Services = CoreServices & FeatureServices;

/** What the request contributes to its services: background work and the audit context. */
export interface RequestScope {
  waitUntil(promise: Promise<unknown>): void;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** What a queue consumer or the cron trigger gets: the configuration and its services. */
export interface EntryContext {
  readonly config: Config | ConfigError;
  /** Services for this invocation; only with a valid configuration. */
  services(config: Config): Services;
}
