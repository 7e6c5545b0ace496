import createClient, { type Client } from "openapi-fetch";
import { type EmailFlows, emailFlows, type PasswordFlows, passwordFlows } from "./account";
import { authMiddleware } from "./auth-middleware";
import {
  type ClientContext,
  finishSignIn,
  proofBody,
  sessionFrom,
  signedInSession,
  unwrap,
} from "./context";
import {
  type Coordination,
  hasWebCoordination,
  localCoordination,
  webCoordination,
} from "./coordination";
import { type Identities, identities } from "./identities";
import { type Mfa, mfa } from "./mfa";
import { type Passkeys, passkeys } from "./passkeys";
import type { paths } from "./schema";
import { SessionManager, type SignedOutEvent } from "./session-manager";
import { type SocialLogin, socialLogin } from "./social";
import type { Session, TokenStorage } from "./storage";
import type {
  SecondFactor,
  SessionInfo,
  SignInResult,
  StepUpProof,
  TokenPair,
  User,
} from "./types";
import type { WebAuthnCeremonies } from "./webauthn";

export interface AuthClientOptions {
  /** The service's origin (and base path), e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** Where the session lives: `memoryStorage()`, `cookieModeStorage()`, `secureStoreStorage(store)`. */
  storage: TokenStorage;
  /** Sends every request (default: the global fetch). Wrap it to log, count or test. */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * Serializes refreshes with, and hands tokens to, other contexts sharing the session.
   * Default: `webCoordination()` (Web Locks + BroadcastChannel) in cookie mode where the
   * browser has them, since every tab shares the cookie; otherwise none.
   */
  coordination?: Coordination;
  /** Passkey ceremonies: `browserWebAuthn` from `@edge-auth/client/webauthn` in a browser. */
  webauthn?: WebAuthnCeremonies;
  /** Refresh this long before the access token expires (default 10 s). */
  refreshSkewMs?: number;
  /** The clock, in ms since the epoch (default `Date.now`). */
  now?: () => number;
}

export interface AuthClient {
  /** The typed openapi-fetch client of the whole API, signing and refreshing like the methods below. */
  readonly api: Client<paths>;
  /** `POST /v1/register`. Does not sign in. */
  register(input: { email: string; password: string }): Promise<User>;
  /** `POST /v1/login`: signed in, or a second factor is due (answer it with `loginMfa`). */
  login(input: { email: string; password: string; challengeToken?: string }): Promise<SignInResult>;
  /** `POST /v1/login/mfa`: the second step, with a TOTP code, a recovery code or a passkey. */
  loginMfa(input: { mfaToken: string } & SecondFactor): Promise<Session>;
  /** Social login: app mode (PKCE) and browser mode. */
  readonly social: SocialLogin;
  /** Passkeys: registration (with step-up) and sign-in. */
  readonly passkeys: Passkeys;
  /** The providers linked to the account: list, link another (a URL to open), unlink one. */
  readonly identities: Identities;
  /** The account's second factor: TOTP enrolment, recovery codes, turning it off. */
  readonly mfa: Mfa;
  /** A new token pair now, through the single flight (e.g. after a step-up). */
  refresh(): Promise<Session>;
  /** Cookie mode after a reload: trades the cookie for an access token; null when signed out. */
  restore(): Promise<Session | null>;
  /** `POST /v1/mfa/step-up`, then a refresh so the access token carries the new `auth_time`. */
  stepUp(proof: StepUpProof): Promise<Session>;
  /** Ends this session (`POST /v1/logout`, RFC 7009) and signs out every context sharing it. */
  logout(): Promise<void>;
  /** Ends every session of the account (`POST /v1/logout-all`). */
  logoutAll(): Promise<void>;
  /** `GET /v1/me`. */
  me(): Promise<User>;
  readonly sessions: {
    list(): Promise<SessionInfo[]>;
    /** Ending another session needs step-up. */
    revoke(id: string): Promise<void>;
  };
  readonly email: EmailFlows;
  readonly password: PasswordFlows;
  /** The stored session, if any (no request). */
  session(): Promise<Session | null>;
  /** Called when the session ends: logout, a refused refresh, or another tab. Returns the unsubscribe. */
  onSignedOut(listener: (event: SignedOutEvent) => void): () => void;
  /** Stops listening to other contexts. */
  dispose(): void;
}

/**
 * A client for edge-auth: every sign-in flow, the account's sessions and
 * credentials, tokens refreshed once for all concurrent callers (and tabs).
 *
 * @example
 * ```ts
 * const auth = createAuthClient({ baseUrl: "https://auth.example.com", storage: memoryStorage() });
 * const result = await auth.login({ email, password });
 * if (result.status === "mfa_required") await auth.loginMfa({ mfaToken: result.mfaToken, code });
 * const me = await auth.me();
 * const { data } = await auth.api.GET("/v1/passkeys"); // any route, typed, signed
 * ```
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const { storage } = options;
  const now = options.now ?? (() => Date.now());
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const cookieMode = storage.transport === "cookie";
  const coordination =
    options.coordination ??
    (cookieMode && hasWebCoordination()
      ? webCoordination(`edge-auth:${new URL(baseUrl).origin}`)
      : localCoordination());

  const api = createClient<paths>({
    baseUrl,
    fetch: send,
    // Cookie mode: the refresh cookie must go along, and sign-ins must be able to set it.
    ...(cookieMode ? { credentials: "include" as const } : {}),
  });

  const sessions = new SessionManager({
    storage,
    coordination,
    now,
    skewMs: options.refreshSkewMs ?? 10_000,
    handoffTimeoutMs: 3_000,
    async exchange(current) {
      const pair: TokenPair = await unwrap(
        api.POST("/v1/token/refresh", {
          // Cookie mode: an empty body, the token comes from `__Host-refresh`.
          body: current?.refreshToken ? { refresh_token: current.refreshToken } : {},
        }),
      );
      return sessionFrom(pair, now());
    },
  });
  api.use(authMiddleware(sessions));

  const ctx: ClientContext = { api, sessions, storage, baseUrl, now, webauthn: options.webauthn };
  const transport = storage.transport;

  const refreshNow = async () => sessions.refresh((await sessions.session())?.accessToken);
  const stepUp = async (proof: StepUpProof) => {
    await unwrap(api.POST("/v1/mfa/step-up", { body: proofBody(proof) }));
    return refreshNow();
  };
  const passkeyApi = passkeys(ctx, stepUp);

  return {
    api,
    async register({ email, password }) {
      return (await unwrap(api.POST("/v1/register", { body: { email, password } }))).user;
    },
    async login({ email, password, challengeToken }) {
      const answer = await unwrap(
        api.POST("/v1/login", {
          body: {
            email,
            password,
            token_transport: transport,
            ...(challengeToken === undefined ? {} : { challenge_token: challengeToken }),
          },
        }),
      );
      return finishSignIn(ctx, answer);
    },
    async loginMfa(input) {
      const proof =
        "passkey" in input ? { passkey: await passkeyApi.assertion() } : proofBody(input);
      const pair = await unwrap(
        api.POST("/v1/login/mfa", { body: { mfa_token: input.mfaToken, ...proof } }),
      );
      return signedInSession(ctx, pair);
    },
    social: socialLogin(ctx),
    passkeys: passkeyApi,
    identities: identities(ctx, stepUp),
    mfa: mfa(ctx, stepUp),
    refresh: refreshNow,
    restore: () => sessions.restore(),
    stepUp,
    async logout() {
      const current = await sessions.session();
      try {
        if (current?.refreshToken || cookieMode) {
          await unwrap(
            api.POST("/v1/logout", {
              body: current?.refreshToken ? { refresh_token: current.refreshToken } : {},
            }),
          );
        }
      } finally {
        // Signed out here whatever the network did: the tokens are gone from this device.
        await sessions.signOut("logout");
      }
    },
    async logoutAll() {
      await unwrap(api.POST("/v1/logout-all"));
      await sessions.signOut("logout");
    },
    async me() {
      return unwrap(api.GET("/v1/me"));
    },
    sessions: {
      async list() {
        return (await unwrap(api.GET("/v1/sessions"))).sessions;
      },
      async revoke(id) {
        await unwrap(api.DELETE("/v1/sessions/{id}", { params: { path: { id } } }));
      },
    },
    email: emailFlows(ctx),
    password: passwordFlows(ctx),
    session: () => sessions.session(),
    onSignedOut: (listener) => sessions.onSignedOut(listener),
    dispose: () => sessions.dispose(),
  };
}
