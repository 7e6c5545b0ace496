export type { EmailFlows, PasswordFlows } from "./account";
export { type AuthMode, authMiddleware, authModeOf } from "./auth-middleware";
export { type AuthClient, type AuthClientOptions, createAuthClient } from "./client";
export type { StepUpPrompt } from "./context";
export {
  type Coordination,
  type CoordinationChannel,
  type CoordinationLock,
  type CoordinationMessage,
  coordinationHub,
  hasWebCoordination,
  localCoordination,
  webCoordination,
} from "./coordination";
export { AuthApiError, errorFromResponse, isAuthApiError } from "./errors";
export type { Identities, LinkStart } from "./identities";
export type { Mfa } from "./mfa";
export type { Passkeys } from "./passkeys";
export type { paths } from "./schema";
export {
  SessionManager,
  type SessionManagerDeps,
  type SignedOutEvent,
  type SignedOutReason,
} from "./session-manager";
export { type AppSignInStart, pkceChallenge, type SocialLogin } from "./social";
export {
  cookieModeStorage,
  memoryStorage,
  type SecureStore,
  type Session,
  secureStoreStorage,
  type TokenStorage,
} from "./storage";
export type {
  AuthenticationOptionsJSON,
  CredentialJSON,
  LinkedIdentities,
  LinkedIdentity,
  MfaChangeProof,
  MfaStatus,
  Passkey,
  Provider,
  RegistrationOptionsJSON,
  SecondFactor,
  SessionInfo,
  SignInResult,
  StepUpProof,
  TokenPair,
  TotpEnrollment,
  User,
} from "./types";
export type { WebAuthnCeremonies } from "./webauthn";
