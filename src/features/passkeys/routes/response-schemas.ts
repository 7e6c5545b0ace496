import { z } from "zod";

/**
 * The passkey routes' response bodies, for the OpenAPI document: exactly what
 * the routes write (strict objects). The WebAuthn options are
 * @simplewebauthn/server's output, the JSON forms of W3C WebAuthn Level 3
 * §5.4 and §5.5 (`PublicKeyCredentialCreationOptionsJSON`,
 * `PublicKeyCredentialRequestOptionsJSON`), as ceremonies.ts asks for them.
 */

const base64url = z.string().describe("base64url");
const userVerification = z.enum(["required", "preferred", "discouraged"]);

/** §5.8.3: a credential the authenticator is asked to exclude, or to use. */
const CredentialDescriptor = z.strictObject({
  id: base64url,
  type: z.literal("public-key"),
  transports: z.array(z.string()).optional(),
});

/** What `startRegistration({optionsJSON})` takes in the browser. */
export const CreationOptionsSchema = z.strictObject({
  challenge: base64url,
  rp: z.strictObject({ name: z.string(), id: z.string() }),
  user: z.strictObject({
    id: base64url.describe("the user handle: the account id's bytes, never the email"),
    name: z.string(),
    displayName: z.string(),
  }),
  pubKeyCredParams: z.array(
    z.strictObject({ alg: z.number().int().describe("COSE"), type: z.literal("public-key") }),
  ),
  timeout: z.number().int(),
  attestation: z.enum(["none", "indirect", "direct", "enterprise"]),
  excludeCredentials: z.array(CredentialDescriptor).describe("the account's passkeys"),
  authenticatorSelection: z.strictObject({
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    residentKey: z.enum(["required", "preferred", "discouraged"]),
    requireResidentKey: z.boolean(),
    userVerification,
  }),
  extensions: z.strictObject({ credProps: z.boolean() }),
  hints: z.array(z.string()),
});

/** What `startAuthentication({optionsJSON})` takes: always discoverable (no credential ids). */
export const RequestOptionsSchema = z.strictObject({
  challenge: base64url,
  rpId: z.string(),
  allowCredentials: z.array(CredentialDescriptor),
  timeout: z.number().int(),
  userVerification,
  extensions: z.record(z.string(), z.unknown()).optional(),
});

/** A ceremony's start: its single-use id and the browser's options. */
export const ceremonyStart = <T extends z.ZodType>(options: T) =>
  z.strictObject({ flow_id: z.string().describe("single-use, 5 minutes"), options });

/** One passkey as the routes show it (never the credential id or the key). */
export const PasskeySchema = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  created_at: z.iso.datetime({ offset: true }),
  last_used_at: z.iso.datetime({ offset: true }).nullable(),
  device_type: z.enum(["singleDevice", "multiDevice"]),
  backed_up: z.boolean(),
});
