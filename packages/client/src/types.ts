// Shapes the client's methods take and answer, looked up in the generated schema so
// they follow the service's document.
import type { paths } from "./schema";
import type { Session } from "./storage";

type JsonOf<Answer> = Answer extends { content: { "application/json": infer Body } } ? Body : never;
type BodyOf<Operation> = Operation extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

/** The signed-in account (`GET /v1/me`). */
export type User = JsonOf<paths["/v1/me"]["get"]["responses"][200]>;
/** One session of the account (`GET /v1/sessions`). */
export type SessionInfo = JsonOf<
  paths["/v1/sessions"]["get"]["responses"][200]
>["sessions"][number];
/** A social login provider that is on (`GET /v1/oauth/providers`). */
export type Provider = JsonOf<
  paths["/v1/oauth/providers"]["get"]["responses"][200]
>["providers"][number];
/** A registered passkey (`POST /v1/passkeys/register/verify`). */
export type Passkey = JsonOf<paths["/v1/passkeys/register/verify"]["post"]["responses"][201]>;

/** The account's linked identities and whether it has a password (`GET /v1/identities`). */
export type LinkedIdentities = JsonOf<paths["/v1/identities"]["get"]["responses"][200]>;
/** One provider account linked to the signed-in account. */
export type LinkedIdentity = LinkedIdentities["identities"][number];

/** WebAuthn creation options as the service sends them (JSON, base64url). */
export type RegistrationOptionsJSON = JsonOf<
  paths["/v1/passkeys/register/options"]["post"]["responses"][200]
>["options"];
/** WebAuthn request options as the service sends them. */
export type AuthenticationOptionsJSON = JsonOf<
  paths["/v1/passkeys/login/options"]["post"]["responses"][200]
>["options"];
/** A credential's answer to a ceremony, as the service takes it (`PublicKeyCredential` JSON). */
export type CredentialJSON = BodyOf<paths["/v1/passkeys/login/verify"]["post"]>["response"];

/** The token pair of a sign-in or a refresh (RFC 6749 §5.1). */
export type TokenPair = JsonOf<paths["/v1/login/mfa"]["post"]["responses"][200]>;

/** The answer of a sign-in: tokens, or a second factor to give. */
export type SignInResult =
  | { status: "signed_in"; session: Session }
  | {
      status: "mfa_required";
      /** For {@link AuthClient.loginMfa}; single-use, 5 minutes, 5 tries. */
      mfaToken: string;
      /** What the account can answer with: `totp`, `recovery_code`, `passkey`. */
      methods: string[];
    };

/** The second step's proof: a TOTP code, a recovery code, or a passkey ceremony. */
export type SecondFactor = { code: string } | { recoveryCode: string } | { passkey: true };
/** A step-up's proof (`POST /v1/mfa/step-up`). */
export type StepUpProof = { code: string } | { recoveryCode: string };
/** Re-authentication to turn the second factor off or replace the recovery codes. */
export type MfaChangeProof = { password: string } | { code: string } | { recoveryCode: string };

/** The account's second factor (`GET /v1/mfa`). */
export type MfaStatus = JsonOf<paths["/v1/mfa"]["get"]["responses"][200]>;
/** A pending TOTP authenticator (`POST /v1/mfa/totp/enroll`): its secret, shown once. */
export type TotpEnrollment = JsonOf<paths["/v1/mfa/totp/enroll"]["post"]["responses"][201]>;
