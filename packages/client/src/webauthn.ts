import type { AuthenticationOptionsJSON, CredentialJSON, RegistrationOptionsJSON } from "./types";

/**
 * The platform's passkey ceremonies, in @simplewebauthn/browser's shape (options
 * and credentials as JSON, binary fields base64url). In a browser use
 * `browserWebAuthn` from `@edge-auth/client/webauthn`; in React Native wrap a native
 * passkey library in these two functions.
 */
export interface WebAuthnCeremonies {
  startRegistration(args: { optionsJSON: RegistrationOptionsJSON }): Promise<CredentialJSON>;
  startAuthentication(args: { optionsJSON: AuthenticationOptionsJSON }): Promise<CredentialJSON>;
}
