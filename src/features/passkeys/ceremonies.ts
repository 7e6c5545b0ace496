import { hexToBytes } from "@noble/hashes/utils.js";
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { decodeClientDataJSON } from "@simplewebauthn/server/helpers";
import { base64url, hashSecret, newSecret } from "../../auth/secrets";
import { completeSignIn, type SignInDeps, type SignInOutcome } from "../../auth/sign-in";
import type { AuditLog, UserStore } from "../../ports";
import type { PasskeysConfig } from "./config";
import { passkeyErrors } from "./errors";
import type { PasskeyFlow, PasskeyFlowStore, PasskeyRecord, PasskeyStore } from "./ports";

/**
 * Passkeys (W3C WebAuthn Level 3) through @simplewebauthn/server: the two
 * ceremonies, each with a challenge kept server-side, single-use and short-
 * lived, and the checks around the library's own (cross-origin frames, the
 * signature counter, whose credential it is).
 */
export interface PasskeyDeps {
  config: PasskeysConfig;
  store: PasskeyStore;
  flows: PasskeyFlowStore;
  users: UserStore;
  audit: AuditLog;
}

/** How long a ceremony's challenge lives (W3C WebAuthn §13.4.3 recommends minutes). */
export const CEREMONY_TTL_SECONDS = 300;
// COSE algorithms: EdDSA, ES256, RS256 (what platform authenticators and keys use).
const ALGORITHMS = [-8, -7, -257];

/** A user's WebAuthn user handle: the account id's 16 bytes, never the email (§14.6.1). */
function userHandleBytes(userId: string): Uint8Array<ArrayBuffer> {
  return hexToBytes(userId.replaceAll("-", ""));
}

export const userHandleOf = (userId: string): string => base64url(userHandleBytes(userId));

async function startFlow(deps: PasskeyDeps, flow: PasskeyFlow): Promise<string> {
  const flowId = newSecret();
  await deps.flows.save(await hashSecret(flowId), flow, CEREMONY_TTL_SECONDS);
  return flowId;
}

async function takeFlow(
  deps: PasskeyDeps,
  flowId: string,
  purpose: PasskeyFlow["purpose"],
): Promise<PasskeyFlow> {
  if (flowId.length > 128) throw passkeyErrors.error("invalid_flow");
  const flow = await deps.flows.take(await hashSecret(flowId));
  if (!flow || flow.purpose !== purpose) throw passkeyErrors.error("invalid_flow");
  return flow;
}

/**
 * W3C WebAuthn §7.1 step 10 / §7.2 step 13: a ceremony run inside a
 * cross-origin frame says `crossOrigin: true`; this service never embeds one.
 */
function refuseCrossOrigin(clientDataJSON: string): void {
  let crossOrigin: unknown;
  try {
    crossOrigin = decodeClientDataJSON(clientDataJSON).crossOrigin;
  } catch {
    throw passkeyErrors.error("passkey_rejected", { reason: "client_data_unreadable" });
  }
  if (crossOrigin === true) {
    throw passkeyErrors.error("passkey_rejected", { reason: "cross_origin" });
  }
}

export async function registrationOptions(
  deps: PasskeyDeps,
  user: { id: string; email: string },
): Promise<{ flowId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const existing = await deps.store.listForUser(user.id);
  const options = await generateRegistrationOptions({
    rpName: deps.config.rpName,
    rpID: deps.config.rpId,
    userName: user.email,
    userID: userHandleBytes(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    // Required, not preferred: sign-in offers discoverable passkeys only (no credential
    // ids in the options, so nothing to enumerate), and a non-discoverable one could
    // then never be used, not even as a second factor.
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    supportedAlgorithmIDs: ALGORITHMS,
    timeout: CEREMONY_TTL_SECONDS * 1000,
  });
  const flowId = await startFlow(deps, {
    purpose: "register",
    challenge: options.challenge,
    userId: user.id,
  });
  return { flowId, options };
}

export async function verifyRegistration(
  deps: PasskeyDeps,
  input: {
    userId: string;
    flowId: string;
    response: RegistrationResponseJSON;
    name: string | undefined;
  },
): Promise<PasskeyRecord> {
  const flow = await takeFlow(deps, input.flowId, "register");
  if (flow.userId !== input.userId) throw passkeyErrors.error("invalid_flow");
  refuseCrossOrigin(input.response.response.clientDataJSON);
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    info = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: flow.challenge,
      expectedOrigin: [...deps.config.origins],
      expectedRPID: deps.config.rpId,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch {
    throw rejected(deps, input.userId, "registration_invalid");
  }
  if (!info.verified) throw rejected(deps, input.userId, "registration_invalid");
  const { credential, credentialDeviceType, credentialBackedUp } = info.registrationInfo;
  const record: PasskeyRecord = {
    id: crypto.randomUUID(),
    userId: input.userId,
    credentialId: credential.id,
    publicKey: credential.publicKey,
    counter: credential.counter,
    transports: credential.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    name: input.name?.trim() || defaultName(credentialDeviceType),
    createdAt: new Date(),
    lastUsedAt: null,
  };
  if (!(await deps.store.insert(record))) throw passkeyErrors.error("passkey_exists");
  deps.audit.record({
    type: "passkey_registered",
    userId: input.userId,
    details: { passkey: record.id, device_type: record.deviceType },
  });
  return record;
}

const defaultName = (deviceType: string) =>
  deviceType === "multiDevice" ? "Synced passkey" : "Security key";

/**
 * Options for a sign-in: always a discoverable request (no credential ids,
 * so the browser offers the user's passkeys, conditional UI included), so
 * the answer is the same for every address and says nothing about whether
 * an account exists or has passkeys. An email only binds the flow to that
 * account: an assertion of anyone else's passkey is then refused.
 */
export async function authenticationOptions(
  deps: PasskeyDeps,
  email: string | undefined,
): Promise<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const user = email === undefined ? null : await deps.users.findByEmail(email);
  const options = await generateAuthenticationOptions({
    rpID: deps.config.rpId,
    userVerification: "required",
    allowCredentials: [],
    timeout: CEREMONY_TTL_SECONDS * 1000,
  });
  const flowId = await startFlow(deps, {
    purpose: "login",
    challenge: options.challenge,
    // Unknown address: a flow no passkey can satisfy, answered like any other.
    userId: email === undefined ? null : (user?.id ?? crypto.randomUUID()),
  });
  return { flowId, options };
}

/**
 * Checks an assertion: the flow's challenge, the credential and its owner (the
 * account the options were for, or `expectedUserId` when a sign-in already
 * knows whose second factor this is), the assertion itself (origin, RP ID
 * hash, user verification, signature), then the counter. Answers the passkey
 * and its RFC 8176 kind: `hwk` for a device-bound key, `swk` for a synced one.
 */
export async function verifyAssertion(
  deps: PasskeyDeps,
  input: { flowId: string; response: AuthenticationResponseJSON; expectedUserId?: string },
): Promise<{ passkey: PasskeyRecord; kind: "hwk" | "swk" }> {
  const flow = await takeFlow(deps, input.flowId, "login");
  const passkey = await deps.store.findByCredentialId(input.response.id);
  if (!passkey) throw rejected(deps, input.expectedUserId ?? null, "unknown_credential");
  const expected = input.expectedUserId ?? flow.userId;
  if (
    (expected !== null && expected !== passkey.userId) ||
    (flow.userId !== null && flow.userId !== passkey.userId)
  ) {
    throw rejected(deps, passkey.userId, "credential_of_another_user");
  }
  const handle = input.response.response.userHandle;
  if (handle !== undefined && handle !== userHandleOf(passkey.userId)) {
    throw rejected(deps, passkey.userId, "user_handle_mismatch");
  }
  refuseCrossOrigin(input.response.response.clientDataJSON);
  let info: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    info = await verifyAuthenticationResponse({
      response: input.response,
      expectedChallenge: flow.challenge,
      expectedOrigin: [...deps.config.origins],
      expectedRPID: deps.config.rpId,
      // The counter is ours to check, atomically, below (recordUse).
      credential: {
        id: passkey.credentialId,
        publicKey: passkey.publicKey as Uint8Array<ArrayBuffer>,
        counter: 0,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
  } catch {
    throw rejected(deps, passkey.userId, "assertion_invalid");
  }
  if (!info.verified) throw rejected(deps, passkey.userId, "assertion_invalid");
  if (!(await deps.store.recordUse(passkey.id, info.authenticationInfo.newCounter))) {
    deps.audit.record({
      type: "passkey_counter_anomaly",
      userId: passkey.userId,
      details: {
        passkey: passkey.id,
        stored: passkey.counter,
        presented: info.authenticationInfo.newCounter,
      },
    });
    throw passkeyErrors.error("passkey_rejected", { reason: "counter_not_increased" });
  }
  deps.audit.record({
    type: "passkey_used",
    userId: passkey.userId,
    details: { passkey: passkey.id },
  });
  const kind = info.authenticationInfo.credentialDeviceType === "multiDevice" ? "swk" : "hwk";
  return { passkey, kind };
}

/**
 * A passwordless sign-in with a passkey, through the sign-in seam. User
 * verification is required, so the passkey is two factors in one (`mfa`):
 * the MFA gate lets it through.
 */
export async function verifyAuthentication(
  deps: PasskeyDeps & { signIn: SignInDeps },
  input: {
    flowId: string;
    response: AuthenticationResponseJSON;
    transport: "body" | "cookie";
    userAgent: string | null;
    ip: string | null;
  },
): Promise<SignInOutcome> {
  const { passkey, kind } = await verifyAssertion(deps, input);
  const user = await deps.users.findById(passkey.userId);
  if (!user) throw rejected(deps, passkey.userId, "account_gone");
  return completeSignIn(
    deps.signIn,
    { id: user.id, emailVerified: user.emailVerifiedAt !== null, disabled: !!user.disabledAt },
    {
      method: "passkey",
      amr: [kind],
      secondFactor: ["mfa"],
      transport: input.transport,
      userAgent: input.userAgent,
      ip: input.ip,
      details: { passkey: passkey.id },
    },
  );
}

function rejected(deps: PasskeyDeps, userId: string | null, reason: string) {
  deps.audit.record({ type: "passkey_login_failed", userId, details: { reason } });
  return passkeyErrors.error("passkey_rejected", { reason });
}
