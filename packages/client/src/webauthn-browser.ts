// `@edge-auth/client/webauthn`: the browser's ceremonies through @simplewebauthn/browser
// (an optional peer dependency; the main entry never imports it, so React Native and
// Workers bundles do without it).
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { CredentialJSON } from "./types";
import type { WebAuthnCeremonies } from "./webauthn";

type CreationOptions = Parameters<typeof startRegistration>[0]["optionsJSON"];
type RequestOptions = Parameters<typeof startAuthentication>[0]["optionsJSON"];

/**
 * `navigator.credentials.create` / `.get` as @simplewebauthn/browser runs them.
 *
 * @example
 * ```ts
 * import { createAuthClient, cookieModeStorage } from "@edge-auth/client";
 * import { browserWebAuthn } from "@edge-auth/client/webauthn";
 * const auth = createAuthClient({ baseUrl, storage: cookieModeStorage(), webauthn: browserWebAuthn });
 * ```
 */
export const browserWebAuthn: WebAuthnCeremonies = {
  // The service's options are WebAuthn's JSON forms (W3C WebAuthn L3 §5.1.x), which
  // is what the library takes; its own types spell a few enumerations more narrowly.
  startRegistration: async ({ optionsJSON }) =>
    (await startRegistration({
      optionsJSON: optionsJSON as unknown as CreationOptions,
    })) as unknown as CredentialJSON,
  startAuthentication: async ({ optionsJSON }) =>
    (await startAuthentication({
      optionsJSON: optionsJSON as unknown as RequestOptions,
    })) as unknown as CredentialJSON,
};
