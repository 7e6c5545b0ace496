import type { socialAuditEvents } from "./events";

/**
 * What social login needs from the outside: the providers (OIDC and GitHub
 * clients over oauth4webapi), short-lived flow state (Redis), and the
 * identities table (Postgres). Implemented in ./adapters.
 */

/** Who the provider says signed in. */
export interface ExternalProfile {
  /** The provider's stable id for the account (OIDC `sub`, GitHub's numeric id). */
  subject: string;
  /**
   * The address, only when the provider asserts it is verified (a real
   * boolean `email_verified: true`, or GitHub's primary and verified entry);
   * null otherwise, so nothing downstream can mistake an unverified one.
   */
  verifiedEmail: string | null;
}

/** Our side of one authorization request. */
export interface AuthorizationParams {
  /** This Worker's callback for the provider (exactly as registered there). */
  callbackUrl: string;
  state: string;
  /** RFC 7636 verifier of our own PKCE pair with the provider. */
  codeVerifier: string;
  /** OIDC Core §3.1.2.1; null for plain OAuth 2.0 (GitHub). */
  nonce: string | null;
  loginHint: string | null;
}

export interface IdentityProvider {
  readonly id: string;
  readonly label: string;
  /** OIDC providers bind the id_token to the request with a nonce. */
  readonly usesNonce: boolean;
  /** The provider's authorization endpoint URL for this request. */
  authorizationUrl(params: AuthorizationParams): Promise<string>;
  /**
   * Checks the callback (state, RFC 9207 `iss`), exchanges the code, verifies
   * the id_token (signature against the provider's JWKS, `iss`, `aud`, `exp`,
   * `nonce`) or reads GitHub's profile. Throws the feature's AuthErrors:
   * `access_denied` (the provider said no), `provider_error`,
   * `provider_unavailable`.
   */
  finish(callback: URLSearchParams, expected: AuthorizationParams): Promise<ExternalProfile>;
}

export interface IdentityProviders {
  get(id: string): IdentityProvider | undefined;
  /** The providers that are on, for login buttons. */
  list(): ReadonlyArray<{ id: string; label: string }>;
}

/** A started authorization, kept server-side until its callback (single use). */
export interface PendingAuthorization {
  provider: string;
  /** One of OAUTH_REDIRECT_URIS, where the flow ends. */
  redirectUri: string;
  /** The client's own `state`, handed back unchanged. */
  appState: string | null;
  /** App mode (RFC 8252): the app's S256 challenge for the one-time code. */
  codeChallenge: string | null;
  codeVerifier: string;
  nonce: string | null;
  /** Linking while signed in: the account the identity joins. */
  linkUserId: string | null;
  /**
   * SHA-256 of the secret in the browser's `__Host-oauth-flow` cookie, set at
   * the start: the callback must come from the browser that started the flow
   * (RFC 6749 §10.12, RFC 9700 §4.7), not from a victim's browser handed an
   * attacker's callback URL (login CSRF).
   */
  browserBinding: string;
}

/** A link started with a Bearer token, waiting for the browser to open it (single use). */
export interface LinkTicket {
  provider: string;
  redirectUri: string;
  appState: string | null;
  userId: string;
  /** The S256 challenge of the client that started the link; its verifier completes it. */
  codeChallenge: string;
}

/**
 * A link the provider has confirmed, waiting for the client that started it
 * (single use): its Bearer token must name `userId` and its verifier match.
 */
export interface PendingLink {
  userId: string;
  provider: string;
  subject: string;
  email: string | null;
  codeChallenge: string;
}

/** What a one-time app code stands for until the app redeems it. */
export interface AppCodeGrant {
  userId: string;
  emailVerified: boolean;
  provider: string;
  codeChallenge: string;
}

/**
 * Short-lived, single-use state. `take*` returns a value at most once, however
 * many callers race for it (one atomic GETDEL).
 */
export interface OAuthFlowStore {
  save(stateHash: string, flow: PendingAuthorization, ttlSeconds: number): Promise<void>;
  take(stateHash: string): Promise<PendingAuthorization | null>;
  saveCode(codeHash: string, grant: AppCodeGrant, ttlSeconds: number): Promise<void>;
  takeCode(codeHash: string): Promise<AppCodeGrant | null>;
  saveLinkTicket(ticketHash: string, ticket: LinkTicket, ttlSeconds: number): Promise<void>;
  takeLinkTicket(ticketHash: string): Promise<LinkTicket | null>;
  saveLinkCode(codeHash: string, link: PendingLink, ttlSeconds: number): Promise<void>;
  takeLinkCode(codeHash: string): Promise<PendingLink | null>;
}

/** A linked identity as its user sees it. */
export interface IdentityRecord {
  id: string;
  provider: string;
  email: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

export interface IdentityOwner {
  userId: string;
  emailVerified: boolean;
}

export type LinkOutcome = "linked" | "already_linked" | "taken";
export type UnlinkOutcome = "unlinked" | "not_found" | "last_method";

/** The identities table. Each method is one statement, atomic on its own. */
export interface IdentityStore {
  /** The owner of (provider, subject), recording this use; null if unknown. */
  signIn(provider: string, subject: string, email: string | null): Promise<IdentityOwner | null>;
  /**
   * A new account (no password, address verified) with this identity, in one
   * statement; null when the address or the identity exists by then (a
   * concurrent first sign-in, or a registration).
   */
  createAccount(input: {
    userId: string;
    identityId: string;
    email: string;
    provider: string;
    subject: string;
  }): Promise<IdentityOwner | null>;
  /**
   * Links the identity to the account with this address, only if that account
   * has verified it; null when there is no such account (or it is unverified).
   */
  linkToVerifiedAccount(input: {
    identityId: string;
    email: string;
    provider: string;
    subject: string;
  }): Promise<IdentityOwner | null>;
  /** Links the identity to a signed-in user's account. */
  link(input: {
    identityId: string;
    userId: string;
    email: string | null;
    provider: string;
    subject: string;
  }): Promise<LinkOutcome>;
  list(userId: string): Promise<IdentityRecord[]>;
  /**
   * Removes one identity unless it is the account's last way to sign in (no
   * password and no other identity), checked and done in one statement that
   * locks the account's other identities, so two concurrent unlinks cannot
   * both pass the check.
   */
  unlink(
    userId: string,
    identityId: string,
  ): Promise<{ outcome: UnlinkOutcome; provider?: string }>;
}

declare module "../../ports" {
  interface AuditEventRegistry extends Record<(typeof socialAuditEvents)[number], true> {}
}

declare module "../../auth/sign-in" {
  interface SignInMethodRegistry {
    /** An external identity provider (OIDC, GitHub). */
    social: true;
  }
}
