// What the client's parts (core flows, social login, passkeys) share.
import type { Client } from "openapi-fetch";
import { errorFromResponse, isAuthApiError } from "./errors";
import type { paths } from "./schema";
import type { SessionManager } from "./session-manager";
import type { Session, TokenStorage } from "./storage";
import type { MfaChangeProof, SignInResult, StepUpProof, TokenPair } from "./types";
import type { WebAuthnCeremonies } from "./webauthn";

export interface ClientContext {
  api: Client<paths>;
  sessions: SessionManager;
  storage: TokenStorage;
  /** The service's origin and base path, without a trailing slash. */
  baseUrl: string;
  now(): number;
  webauthn: WebAuthnCeremonies | undefined;
}

/** What openapi-fetch answers for one call. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer; an error answer throws its AuthApiError. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw await errorFromResponse(response, error ?? null);
  return data as T;
}

/** A proof as the service takes it (snake_case): a TOTP code, a recovery code, or the password. */
export function proofBody(proof: StepUpProof): { code: string } | { recovery_code: string };
export function proofBody(
  proof: MfaChangeProof,
): { code: string } | { recovery_code: string } | { password: string };
export function proofBody(proof: MfaChangeProof) {
  if ("code" in proof) return { code: proof.code };
  if ("recoveryCode" in proof) return { recovery_code: proof.recoveryCode };
  return { password: proof.password };
}

/** Answers a step-up's proof when the service asks for a recent authentication. */
export type StepUpPrompt = () => Promise<StepUpProof>;

/**
 * Runs `call`. If the service wants a more recent authentication (RFC 9470
 * `insufficient_user_authentication`) and `prompt` is given, steps up with the
 * proof it answers and runs `call` once more; without it, the error throws.
 */
export async function withStepUp<T>(
  call: () => Promise<T>,
  stepUp: (proof: StepUpProof) => Promise<unknown>,
  prompt: StepUpPrompt | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!prompt || !isAuthApiError(error, "insufficient_user_authentication")) throw error;
    await stepUp(await prompt());
    return call();
  }
}

/** The session a token pair starts, its expiries measured from now (RFC 6749 §5.1 `expires_in`). */
export function sessionFrom(pair: TokenPair, now: number): Session {
  return {
    accessToken: pair.access_token,
    accessTokenExpiresAt: now + pair.expires_in * 1000,
    ...(pair.refresh_token === undefined ? {} : { refreshToken: pair.refresh_token }),
    refreshTokenExpiresAt: now + pair.refresh_expires_in * 1000,
  };
}

/** A sign-in's 200: the token pair, or `{mfa_required: true, mfa_token, methods}`. */
type SignInAnswer = TokenPair | { mfa_token: string; methods: readonly string[] };

/** Keeps the session of a sign-in's token pair, or passes its second-factor challenge on. */
export async function finishSignIn(
  ctx: ClientContext,
  answer: SignInAnswer,
): Promise<SignInResult> {
  if ("mfa_token" in answer) {
    return { status: "mfa_required", mfaToken: answer.mfa_token, methods: [...answer.methods] };
  }
  const session = sessionFrom(answer, ctx.now());
  await ctx.sessions.signedIn(session);
  return { status: "signed_in", session };
}

/** The session a sign-in that never asks for a second factor started. */
export async function signedInSession(ctx: ClientContext, pair: TokenPair): Promise<Session> {
  const session = sessionFrom(pair, ctx.now());
  await ctx.sessions.signedIn(session);
  return session;
}

/** The configured WebAuthn ceremonies, or a clear error. */
export function ceremonies(ctx: ClientContext): WebAuthnCeremonies {
  if (!ctx.webauthn) {
    throw new Error(
      'passkeys need WebAuthn ceremonies: createAuthClient({ webauthn: browserWebAuthn }) with browserWebAuthn from "@edge-auth/client/webauthn"',
    );
  }
  return ctx.webauthn;
}
