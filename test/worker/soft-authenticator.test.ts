// The software authenticator the passkey tests drive (support/soft-authenticator.ts),
// checked against @simplewebauthn/server's own verification, run here inside workerd
// with no app code in between: ES256 and EdDSA keys, "none" and "packed" (self)
// attestation, the signature counter, and each override that must make the relying
// party refuse the response.

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import {
  type Alg,
  base64urlDecode,
  base64urlEncode,
  cborEncode,
  ecdsaRawToDer,
  SoftAuthenticator,
  type SoftAuthenticatorOptions,
} from "./support/soft-authenticator";

const RP_ID = "localhost";
const ORIGIN = "http://localhost:8787";

async function registrationOptions(
  extra: Partial<Parameters<typeof generateRegistrationOptions>[0]> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: "edge-auth test",
    rpID: RP_ID,
    userName: "ada@example.test",
    userID: crypto.getRandomValues(new Uint8Array(16)),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    ...extra,
  });
}

function verifyRegistration(response: RegistrationResponseJSON, expectedChallenge: string) {
  return verifyRegistrationResponse({
    response,
    expectedChallenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
  });
}

function verifyAuthentication(
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: WebAuthnCredential,
) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
  });
}

/** A registered credential as the RP would store it, and the authenticator holding it. */
async function registered(opts: SoftAuthenticatorOptions = {}) {
  const authenticator = new SoftAuthenticator(opts);
  const options = await registrationOptions({
    attestationType: opts.attestation === "packed" ? "direct" : "none",
  });
  const response = await authenticator.register(options, { origin: ORIGIN });
  const result = await verifyRegistration(response, options.challenge);
  expect(result.verified).toBe(true);
  if (!result.registrationInfo) throw new Error("no registrationInfo");
  return {
    authenticator,
    options,
    response,
    info: result.registrationInfo,
    credential: { ...result.registrationInfo.credential } as WebAuthnCredential,
  };
}

describe("registration and sign-in verify with @simplewebauthn/server", () => {
  const cases: [Alg, "none" | "packed"][] = [
    ["ES256", "none"],
    ["ES256", "packed"],
    ["EdDSA", "none"],
    ["EdDSA", "packed"],
  ];

  for (const [alg, attestation] of cases) {
    it(`${alg}, ${attestation} attestation: registers, then signs in twice`, async () => {
      const { authenticator, options, response, info, credential } = await registered({
        alg,
        attestation,
        counterStartsAt: 1,
      });
      expect(info.fmt).toBe(attestation);
      expect(info.userVerified).toBe(true);
      expect(info.credentialDeviceType).toBe("singleDevice");
      expect(info.credentialBackedUp).toBe(false);
      expect(info.aaguid).toBe("00000000-0000-0000-0000-000000000000");
      expect(info.rpID).toBe(RP_ID);
      expect(credential.id).toBe(response.id);
      expect(credential.counter).toBe(1);
      expect(response.response.publicKeyAlgorithm).toBe(alg === "ES256" ? -7 : -8);
      expect(response.response.transports).toEqual(["usb"]);
      expect(response.authenticatorAttachment).toBe("cross-platform");
      expect(authenticator.credentials[0]?.userHandle).toBe(options.user.id);

      for (const expected of [2, 3]) {
        const auth = await generateAuthenticationOptions({
          rpID: RP_ID,
          allowCredentials: [{ id: credential.id }],
          userVerification: "required",
        });
        const assertion = await authenticator.authenticate(auth, { origin: ORIGIN });
        expect(assertion.id).toBe(credential.id);
        expect(assertion.response.userHandle).toBe(options.user.id);
        const result = await verifyAuthentication(assertion, auth.challenge, credential);
        expect(result.verified).toBe(true);
        expect(result.authenticationInfo.newCounter).toBe(expected);
        expect(result.authenticationInfo.userVerified).toBe(true);
        credential.counter = result.authenticationInfo.newCounter;
      }
    });
  }

  it("a synced passkey (BE and BS, counter 0) signs in discoverably and never counts", async () => {
    // iCloud Keychain's AAGUID.
    const aaguidText = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";
    const aaguid = Uint8Array.from(aaguidText.replaceAll("-", "").match(/../g) ?? [], (h) =>
      Number.parseInt(h, 16),
    );
    const { authenticator, options, response, info, credential } = await registered({
      backupEligible: true,
      aaguid,
    });
    expect(info.credentialDeviceType).toBe("multiDevice");
    expect(info.credentialBackedUp).toBe(true);
    expect(info.aaguid).toBe(aaguidText);
    expect(credential.counter).toBe(0);
    expect(response.response.transports).toEqual(["internal"]);
    expect(response.authenticatorAttachment).toBe("platform");

    for (let i = 0; i < 2; i++) {
      // Discoverable: no allowCredentials, the authenticator picks and names the user.
      const auth = await generateAuthenticationOptions({ rpID: RP_ID });
      expect(auth.allowCredentials ?? []).toEqual([]);
      const assertion = await authenticator.authenticate(auth, { origin: ORIGIN });
      expect(assertion.id).toBe(credential.id);
      expect(assertion.response.userHandle).toBe(options.user.id);
      const result = await verifyAuthentication(assertion, auth.challenge, credential);
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(0);
      expect(result.authenticationInfo.credentialDeviceType).toBe("multiDevice");
    }
  });

  it("picks the credential the options allow, or the one named", async () => {
    const authenticator = new SoftAuthenticator();
    const first = await authenticator.register(await registrationOptions(), { origin: ORIGIN });
    const second = await authenticator.register(await registrationOptions(), { origin: ORIGIN });
    const auth = await generateAuthenticationOptions({
      rpID: RP_ID,
      allowCredentials: [{ id: second.id }],
    });
    expect((await authenticator.authenticate(auth, { origin: ORIGIN })).id).toBe(second.id);
    const discoverable = await generateAuthenticationOptions({ rpID: RP_ID });
    expect((await authenticator.authenticate(discoverable, { origin: ORIGIN })).id).toBe(first.id);
    const named = await authenticator.authenticate(discoverable, {
      origin: ORIGIN,
      credentialId: second.id,
    });
    expect(named.id).toBe(second.id);
    const elsewhere = await generateAuthenticationOptions({ rpID: "example.com" });
    await expect(authenticator.authenticate(elsewhere, { origin: ORIGIN })).rejects.toThrow(
      /no credential/,
    );
  });

  it("refuses to register again where excludeCredentials lists its credential, unless told to", async () => {
    const { authenticator, response } = await registered();
    const again = await registrationOptions({ excludeCredentials: [{ id: response.id }] });
    await expect(authenticator.register(again, { origin: ORIGIN })).rejects.toMatchObject({
      domName: "InvalidStateError",
    });
    const forced = await authenticator.register(again, {
      origin: ORIGIN,
      ignoreExcludeCredentials: true,
    });
    expect((await verifyRegistration(forced, again.challenge)).verified).toBe(true);
  });
});

describe("each override makes verification fail", () => {
  type Overrides = Parameters<SoftAuthenticator["register"]>[1];
  const attacks: [string, Omit<Overrides, "origin"> & { origin?: string }, RegExp][] = [
    ["another origin", { origin: "https://evil.example" }, /origin/i],
    ["another RP ID's hash", { rpIdOverride: "evil.example" }, /RP ID/i],
    ["no user verification", { userVerified: false }, /verif/i],
    ["no user presence", { userPresent: false }, /present/i],
    ["another ceremony type", { typeOverride: "payment.get" }, /type/i],
    ["another challenge", { challengeOverride: base64urlEncode(new Uint8Array(32)) }, /challenge/i],
  ];

  for (const [name, overrides, message] of attacks) {
    it(`registration: ${name}`, async () => {
      const options = await registrationOptions();
      const response = await new SoftAuthenticator().register(options, {
        origin: ORIGIN,
        ...overrides,
      });
      await expect(verifyRegistration(response, options.challenge)).rejects.toThrow(message);
    });

    it(`sign-in: ${name}`, async () => {
      const { authenticator, credential } = await registered();
      const auth = await generateAuthenticationOptions({ rpID: RP_ID });
      const assertion = await authenticator.authenticate(auth, { origin: ORIGIN, ...overrides });
      await expect(verifyAuthentication(assertion, auth.challenge, credential)).rejects.toThrow(
        message,
      );
    });
  }

  it("sign-in: a counter that does not move past the stored one", async () => {
    const { authenticator, credential } = await registered({ counterStartsAt: 5 });
    for (const counterOverride of [5, 4]) {
      const auth = await generateAuthenticationOptions({ rpID: RP_ID });
      const assertion = await authenticator.authenticate(auth, { origin: ORIGIN, counterOverride });
      await expect(verifyAuthentication(assertion, auth.challenge, credential)).rejects.toThrow(
        /counter/,
      );
    }
    // The override leaves the authenticator's own counter alone.
    const auth = await generateAuthenticationOptions({ rpID: RP_ID });
    const assertion = await authenticator.authenticate(auth, { origin: ORIGIN });
    const result = await verifyAuthentication(assertion, auth.challenge, credential);
    expect(result.authenticationInfo.newCounter).toBe(6);
  });

  it("sign-in: another credential's key does not verify the signature", async () => {
    const a = await registered();
    const b = await registered();
    const auth = await generateAuthenticationOptions({ rpID: RP_ID });
    const assertion = await a.authenticator.authenticate(auth, { origin: ORIGIN });
    const result = await verifyAuthentication(assertion, auth.challenge, b.credential);
    expect(result.verified).toBe(false);
  });

  it("crossOrigin: carried in client data; simplewebauthn refuses it only with a topOrigin", async () => {
    const { authenticator, credential } = await registered();

    // simplewebauthn 14 does not look at crossOrigin on its own (registration never
    // does; sign-in only checks topOrigin, which Safari does not send), so a relying
    // party that wants to refuse cross-origin ceremonies must read clientDataJSON itself.
    const options = await registrationOptions();
    const reg = await new SoftAuthenticator().register(options, {
      origin: ORIGIN,
      crossOrigin: true,
    });
    expect(clientDataOf(reg).crossOrigin).toBe(true);
    expect((await verifyRegistration(reg, options.challenge)).verified).toBe(true);

    const auth = await generateAuthenticationOptions({ rpID: RP_ID });
    const bare = await authenticator.authenticate(auth, { origin: ORIGIN, crossOrigin: true });
    expect(clientDataOf(bare)).toEqual({
      type: "webauthn.get",
      challenge: auth.challenge,
      origin: ORIGIN,
      crossOrigin: true,
    });
    expect((await verifyAuthentication(bare, auth.challenge, credential)).verified).toBe(true);

    const auth2 = await generateAuthenticationOptions({ rpID: RP_ID });
    const framed = await authenticator.authenticate(auth2, {
      origin: ORIGIN,
      crossOrigin: true,
      topOrigin: "https://evil.example",
    });
    await expect(verifyAuthentication(framed, auth2.challenge, credential)).rejects.toThrow(
      /cross-origin/,
    );
  });
});

describe("encodings", () => {
  it("client data is the spec's JSON with the options' challenge as given", async () => {
    const options = await registrationOptions();
    const response = await new SoftAuthenticator().register(options, { origin: ORIGIN });
    const json = new TextDecoder().decode(base64urlDecode(response.response.clientDataJSON));
    expect(json).toBe(
      `{"type":"webauthn.create","challenge":"${options.challenge}","origin":"${ORIGIN}","crossOrigin":false}`,
    );
  });

  it("CBOR: shortest heads and canonically ordered map keys (RFC 8949 Appendix A)", () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    expect(hex(cborEncode(0))).toBe("00");
    expect(hex(cborEncode(23))).toBe("17");
    expect(hex(cborEncode(24))).toBe("1818");
    expect(hex(cborEncode(1000))).toBe("1903e8");
    expect(hex(cborEncode(1000000))).toBe("1a000f4240");
    expect(hex(cborEncode(-1))).toBe("20");
    expect(hex(cborEncode(-100))).toBe("3863");
    expect(hex(cborEncode("IETF"))).toBe("6449455446");
    expect(hex(cborEncode(Uint8Array.of(1, 2, 3, 4)))).toBe("4401020304");
    const cose = new Map<number, number>([
      [-2, 0],
      [3, -7],
      [-1, 1],
      [1, 2],
    ]);
    expect(hex(cborEncode(cose))).toBe("a40102032620012100");
  });

  it("ECDSA r || s becomes minimal DER integers", () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    const raw = new Uint8Array(64);
    raw[31] = 1; // r = 1
    raw[32] = 0x80; // s has its high bit set: needs a leading 0
    const der = ecdsaRawToDer(raw);
    expect(hex(der.subarray(0, 5))).toBe("3026020101");
    expect(hex(der.subarray(5, 9))).toBe("02210080");
    expect(der.length).toBe(2 + 3 + 35);
  });

  it("base64url round-trips every byte without padding", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const encoded = base64urlEncode(all);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(base64urlDecode(encoded)).toEqual(all);
    expect(base64urlDecode(`${base64urlEncode(Uint8Array.of(1))}==`)).toEqual(Uint8Array.of(1));
  });
});

function clientDataOf(response: RegistrationResponseJSON | AuthenticationResponseJSON) {
  return JSON.parse(new TextDecoder().decode(base64urlDecode(response.response.clientDataJSON)));
}
