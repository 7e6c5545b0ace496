import { constantTimeEqual } from "../../auth/constant-time";
import { hashSecret, newSecret } from "../../auth/secrets";
import { completeSignIn, type SignInDeps, type SignInOutcome } from "../../auth/sign-in";
import { AuthError, httpErrors } from "../../errors";
import type { AuditLog } from "../../ports";
import { utf8 } from "../../utf8";
import { socialErrors } from "./errors";
import type {
  ExternalProfile,
  IdentityOwner,
  IdentityProvider,
  IdentityProviders,
  IdentityStore,
  OAuthFlowStore,
  PendingAuthorization,
} from "./ports";

/**
 * Social login, from the start of an authorization to a session (README
 * "Social login"): our own state, PKCE pair and nonce with the provider, kept
 * single-use server-side; the provider's answer verified by the adapter; the
 * identity resolved to an account; the session opened through the sign-in
 * seam, like every other way in.
 */
export interface SocialFlowDeps {
  providers: IdentityProviders;
  flows: OAuthFlowStore;
  identities: IdentityStore;
  signIn: SignInDeps;
  audit: AuditLog;
  redirectUris: readonly string[];
  linkVerifiedEmail: boolean;
}

/** How long a started authorization waits for its callback. */
export const FLOW_TTL_SECONDS = 600;
/** How long the app's one-time code lives (RFC 8252 flows redeem it at once). */
export const APP_CODE_TTL_SECONDS = 60;
/** How long a link started with a Bearer token waits for the browser to open it. */
export const LINK_TICKET_TTL_SECONDS = 300;
/** How long a link the provider confirmed waits for its client to complete it. */
export const LINK_CODE_TTL_SECONDS = 60;

/** Federated sign-in, as Microsoft's identity platform names it; RFC 8176 has no value for it. */
export const SOCIAL_AMR = ["fed"] as const;

// RFC 7636 §4.1/§4.2: 43–128 unreserved characters; a challenge is S256 only.
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;
const MAX_APP_STATE = 512;
const MAX_LOGIN_HINT = 256;

/** RFC 7636 §4.2–4.3: only S256, and a challenge of the verifier's form. */
function checkCodeChallenge(challenge: string, method: string | undefined): void {
  if (!PKCE_VALUE.test(challenge) || method !== "S256") {
    throw httpErrors.error("invalid_request", {
      description: "code_challenge must be an RFC 7636 S256 challenge (code_challenge_method=S256)",
    });
  }
}

/** RFC 7636 §4.6: BASE64URL(SHA-256(verifier)) is exactly hashSecret; compared in constant time. */
async function verifierMatches(verifier: string, challenge: string): Promise<boolean> {
  return constantTimeEqual(utf8(await hashSecret(verifier)), utf8(challenge));
}

export function providerOf(deps: Pick<SocialFlowDeps, "providers">, id: string): IdentityProvider {
  const provider = deps.providers.get(id);
  if (!provider) throw socialErrors.error("unknown_provider");
  return provider;
}

/**
 * The exact-match rule (RFC 9700 §4.1.3): the whole string must be one of the
 * registered URIs. No prefix, no normalization, no wildcard: anything looser
 * has been an open redirect somewhere.
 */
export function checkRedirectUri(
  deps: Pick<SocialFlowDeps, "redirectUris">,
  redirectUri: string | undefined,
): string {
  if (redirectUri === undefined || !deps.redirectUris.includes(redirectUri)) {
    throw socialErrors.error("invalid_redirect_uri");
  }
  return redirectUri;
}

export interface StartInput {
  provider: IdentityProvider;
  redirectUri: string;
  appState: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  loginHint: string | undefined;
  callbackUrl: string;
  /** Linking while signed in: the account the identity will join. */
  linkUserId?: string;
}

/**
 * Starts an authorization: saves the flow, answers the provider's URL and the
 * secret the browser keeps for the callback (the `__Host-oauth-flow` cookie).
 */
export async function startAuthorization(
  deps: SocialFlowDeps,
  input: StartInput,
): Promise<{ url: string; browserSecret: string }> {
  if (input.appState !== undefined && input.appState.length > MAX_APP_STATE) {
    throw httpErrors.error("invalid_request", { description: "state is too long" });
  }
  if (input.loginHint !== undefined && input.loginHint.length > MAX_LOGIN_HINT) {
    throw httpErrors.error("invalid_request", { description: "login_hint is too long" });
  }
  if (input.codeChallenge !== undefined) {
    checkCodeChallenge(input.codeChallenge, input.codeChallengeMethod);
  } else if (input.codeChallengeMethod !== undefined) {
    throw httpErrors.error("invalid_request", { description: "code_challenge is missing" });
  }
  const state = newSecret();
  const browserSecret = newSecret();
  const flow: PendingAuthorization = {
    provider: input.provider.id,
    redirectUri: input.redirectUri,
    appState: input.appState ?? null,
    codeChallenge: input.codeChallenge ?? null,
    codeVerifier: newSecret(),
    nonce: input.provider.usesNonce ? newSecret() : null,
    linkUserId: input.linkUserId ?? null,
    browserBinding: await hashSecret(browserSecret),
  };
  const url = await input.provider.authorizationUrl({
    callbackUrl: input.callbackUrl,
    state,
    codeVerifier: flow.codeVerifier,
    nonce: flow.nonce,
    loginHint: input.loginHint ?? null,
  });
  await deps.flows.save(await hashSecret(state), flow, FLOW_TTL_SECONDS);
  return { url, browserSecret };
}

/**
 * A link to another provider, started by a signed-in client with its Bearer
 * token: a one-time ticket the browser then opens at the authorize endpoint,
 * which starts the flow there (and so binds it to that browser's cookie).
 *
 * The ticket names the account, not the person who opens it: sent to a victim,
 * it would join the victim's provider account to the sender's account (RFC
 * 9700 §4.7's CSRF, moved onto the link). So the callback links nothing; it
 * hands a one-time code to the redirect URI, and only the client that started
 * the link completes it, with its Bearer token for the same account and the
 * verifier of the S256 challenge it sent here (completeLink).
 */
export async function issueLinkTicket(
  deps: SocialFlowDeps,
  ticket: {
    provider: IdentityProvider;
    redirectUri: string;
    appState: string | undefined;
    userId: string;
    codeChallenge: string;
    codeChallengeMethod: string | undefined;
  },
): Promise<string> {
  if (ticket.appState !== undefined && ticket.appState.length > MAX_APP_STATE) {
    throw httpErrors.error("invalid_request", { description: "state is too long" });
  }
  checkCodeChallenge(ticket.codeChallenge, ticket.codeChallengeMethod);
  const secret = newSecret();
  await deps.flows.saveLinkTicket(
    await hashSecret(secret),
    {
      provider: ticket.provider.id,
      redirectUri: ticket.redirectUri,
      appState: ticket.appState ?? null,
      userId: ticket.userId,
      codeChallenge: ticket.codeChallenge,
    },
    LINK_TICKET_TTL_SECONDS,
  );
  return secret;
}

/** The link a ticket stands for, consumed; one answer for unknown, used, expired and another provider's. */
export async function redeemLinkTicket(
  deps: SocialFlowDeps,
  providerId: string,
  ticket: string,
): Promise<{
  redirectUri: string;
  appState: string | null;
  userId: string;
  codeChallenge: string;
}> {
  if (ticket.length > 128) throw socialErrors.error("invalid_state");
  const found = await deps.flows.takeLinkTicket(await hashSecret(ticket));
  if (!found || found.provider !== providerId || !deps.redirectUris.includes(found.redirectUri)) {
    throw socialErrors.error("invalid_state");
  }
  return found;
}

/**
 * The flow a callback belongs to, consumed: a second callback with the same
 * state (a replay, or a browser's double submit) finds nothing. A flow of
 * another provider is consumed too and refused (a mix-up attempt).
 */
export async function takeFlow(
  deps: SocialFlowDeps,
  providerId: string,
  state: string | undefined,
  browserSecret: string | undefined,
): Promise<PendingAuthorization> {
  if (!state || state.length > 128) throw socialErrors.error("invalid_state");
  const flow = await deps.flows.take(await hashSecret(state));
  if (!flow || flow.provider !== providerId) throw socialErrors.error("invalid_state");
  // The flow is spent either way: a callback URL that reached another browser
  // is useless to whoever sent it there.
  const presented =
    browserSecret && browserSecret.length <= 128 ? await hashSecret(browserSecret) : "";
  if (!constantTimeEqual(utf8(presented), utf8(flow.browserBinding))) {
    throw socialErrors.error("invalid_state", { reason: "browser_binding" });
  }
  return flow;
}

export interface CallbackInput {
  flow: PendingAuthorization;
  provider: IdentityProvider;
  /** The callback's query, exactly as the provider sent it. */
  query: URLSearchParams;
  callbackUrl: string;
  userAgent: string | null;
  ip: string | null;
}

export type CallbackResult =
  /** Browser mode: the session (or a second factor's challenge). */
  | { kind: "signed_in"; outcome: SignInOutcome }
  /** App mode (RFC 8252): a one-time code for `POST /v1/oauth/token`. */
  | { kind: "app_code"; code: string }
  /** A link: a one-time code for its client's POST /v1/identities/link/complete. */
  | { kind: "link_code"; code: string };

/** Finishes an authorization whose flow was taken: verify, resolve the account, sign in. */
export async function finishAuthorization(
  deps: SocialFlowDeps,
  input: CallbackInput,
): Promise<CallbackResult> {
  const { flow, provider } = input;
  let profile: ExternalProfile;
  try {
    profile = await provider.finish(input.query, {
      callbackUrl: input.callbackUrl,
      state: input.query.get("state") ?? "",
      codeVerifier: flow.codeVerifier,
      nonce: flow.nonce,
      loginHint: null,
    });
  } catch (err) {
    deps.audit.record({
      type: "social_login_failed",
      userId: flow.linkUserId,
      details: { provider: provider.id, reason: reasonOf(err) },
    });
    throw err;
  }

  if (flow.linkUserId !== null) {
    if (flow.codeChallenge === null) throw socialErrors.error("invalid_state");
    const code = newSecret();
    await deps.flows.saveLinkCode(
      await hashSecret(code),
      {
        userId: flow.linkUserId,
        provider: provider.id,
        subject: profile.subject,
        email: profile.verifiedEmail,
        codeChallenge: flow.codeChallenge,
      },
      LINK_CODE_TTL_SECONDS,
    );
    return { kind: "link_code", code };
  }

  const owner = await resolveAccount(deps, provider.id, profile);
  if (flow.codeChallenge !== null) {
    const code = newSecret();
    await deps.flows.saveCode(
      await hashSecret(code),
      {
        userId: owner.userId,
        emailVerified: owner.emailVerified,
        provider: provider.id,
        codeChallenge: flow.codeChallenge,
      },
      APP_CODE_TTL_SECONDS,
    );
    return { kind: "app_code", code };
  }
  const outcome = await signInAs(deps, owner, provider.id, {
    transport: "cookie",
    userAgent: input.userAgent,
    ip: input.ip,
  });
  return { kind: "signed_in", outcome };
}

/**
 * The app's half of RFC 8252: the one-time code, redeemed once, with the
 * verifier of the challenge the app sent at the start (RFC 7636 §4.6).
 */
export async function redeemAppCode(
  deps: SocialFlowDeps,
  input: { code: string; codeVerifier: string; userAgent: string | null; ip: string | null },
): Promise<SignInOutcome> {
  if (!PKCE_VALUE.test(input.codeVerifier) || input.code.length > 128) {
    throw socialErrors.error("invalid_code");
  }
  const grant = await deps.flows.takeCode(await hashSecret(input.code));
  if (!grant) throw socialErrors.error("invalid_code");
  if (!(await verifierMatches(input.codeVerifier, grant.codeChallenge))) {
    throw socialErrors.error("invalid_code", { reason: "pkce_mismatch" });
  }
  return signInAs(deps, grant, grant.provider, {
    transport: "body",
    userAgent: input.userAgent,
    ip: input.ip,
  });
}

function signInAs(
  deps: SocialFlowDeps,
  owner: IdentityOwner,
  provider: string,
  how: { transport: "body" | "cookie"; userAgent: string | null; ip: string | null },
): Promise<SignInOutcome> {
  return completeSignIn(
    deps.signIn,
    { id: owner.userId, emailVerified: owner.emailVerified },
    {
      method: "social",
      amr: SOCIAL_AMR,
      successEvent: "social_login_succeeded",
      details: { provider },
      ...how,
    },
  );
}

/**
 * Which account an external identity signs in as:
 *
 * 1. the account it is linked to;
 * 2. else, only with an address the provider asserts verified: the account
 *    with that address, if linking is on and that account has verified the
 *    address too (an unverified account may have been registered by someone
 *    else ahead of the owner, to be joined by the owner's identity later: the
 *    pre-hijacking attack);
 * 3. else a new account with that address and no password.
 *
 * A concurrent first sign-in of the same identity, or a registration of the
 * same address, makes the insert find nothing; the lookup then runs once more.
 */
export async function resolveAccount(
  deps: SocialFlowDeps,
  provider: string,
  profile: ExternalProfile,
): Promise<IdentityOwner> {
  const known = await deps.identities.signIn(provider, profile.subject, profile.verifiedEmail);
  if (known) return known;
  const email = profile.verifiedEmail;
  if (email === null) {
    deps.audit.record({
      type: "social_login_failed",
      userId: null,
      details: { provider, reason: "no_verified_email" },
    });
    throw socialErrors.error("verified_email_required");
  }
  if (deps.linkVerifiedEmail) {
    const linked = await deps.identities.linkToVerifiedAccount({
      identityId: crypto.randomUUID(),
      email,
      provider,
      subject: profile.subject,
    });
    if (linked) {
      deps.audit.record({
        type: "identity_linked",
        userId: linked.userId,
        details: { provider, via: "verified_email" },
      });
      return linked;
    }
  }
  const created = await deps.identities.createAccount({
    userId: crypto.randomUUID(),
    identityId: crypto.randomUUID(),
    email,
    provider,
    subject: profile.subject,
  });
  if (created) {
    deps.audit.record({
      type: "social_account_created",
      userId: created.userId,
      details: { provider },
    });
    return created;
  }
  const raced = await deps.identities.signIn(provider, profile.subject, email);
  if (raced) return raced;
  deps.audit.record({
    type: "social_login_failed",
    userId: null,
    details: { provider, reason: "account_exists" },
  });
  throw socialErrors.error("account_exists");
}

/**
 * The link's last step, by the client that started it: the one-time code,
 * spent whatever happens next, with the verifier of its challenge and a Bearer
 * token for the account the link was started for. A code that reached another
 * browser (the ticket was opened by someone else) is useless there: that
 * browser's client has neither. Unknown, used, expired, wrong-verifier and
 * another account's codes all answer `invalid_grant`.
 */
export async function completeLink(
  deps: SocialFlowDeps,
  input: { code: string; codeVerifier: string; userId: string },
): Promise<{ provider: string }> {
  if (!PKCE_VALUE.test(input.codeVerifier) || input.code.length > 128) {
    throw socialErrors.error("invalid_code");
  }
  const pending = await deps.flows.takeLinkCode(await hashSecret(input.code));
  if (!pending) throw socialErrors.error("invalid_code");
  if (!(await verifierMatches(input.codeVerifier, pending.codeChallenge))) {
    throw socialErrors.error("invalid_code", { reason: "pkce_mismatch" });
  }
  if (pending.userId !== input.userId) {
    deps.audit.record({
      type: "social_login_failed",
      userId: pending.userId,
      details: { provider: pending.provider, reason: "link_completed_by_another_account" },
    });
    throw socialErrors.error("invalid_code", { reason: "another_account" });
  }
  await link(deps, pending.userId, pending.provider, {
    subject: pending.subject,
    verifiedEmail: pending.email,
  });
  return { provider: pending.provider };
}

async function link(
  deps: SocialFlowDeps,
  userId: string,
  provider: string,
  profile: ExternalProfile,
): Promise<void> {
  const outcome = await deps.identities.link({
    identityId: crypto.randomUUID(),
    userId,
    email: profile.verifiedEmail,
    provider,
    subject: profile.subject,
  });
  if (outcome === "taken") {
    deps.audit.record({
      type: "social_login_failed",
      userId,
      details: { provider, reason: "identity_taken" },
    });
    throw socialErrors.error("identity_taken");
  }
  if (outcome === "linked") {
    deps.audit.record({ type: "identity_linked", userId, details: { provider, via: "signed_in" } });
  }
}

/** The server-side reason of a refusal, for the audit trail; never the provider's own text. */
const reasonOf = (err: unknown): string =>
  err instanceof AuthError ? (err.reason ?? err.code) : "unexpected";
