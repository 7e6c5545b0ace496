// A software WebAuthn authenticator (a "virtual security key") together with the
// browser's part of the ceremony: it answers PublicKeyCredentialCreationOptionsJSON
// and PublicKeyCredentialRequestOptionsJSON with the JSON a browser would send to the
// relying party, so passkey tests can register and sign in without a browser.
//
// Built from W3C Web Authentication Level 3: §5.8.1 client data, §6.1 authenticator
// data, §6.5 attestation objects, §8.2 packed attestation (self attestation only)
// and §8.7 none; credential public keys are COSE_Key maps (RFC 9052 §7, RFC 9053:
// EC2 P-256 with ES256 = -7, OKP Ed25519 with EdDSA = -8). Keys and signatures are
// WebCrypto's; the CBOR needed (maps, ints, byte and text strings) is encoded here
// in CTAP2 canonical form (RFC 8949 §4.2: shortest heads, keys in bytewise order).
//
// Overrides make it misbehave on purpose (another origin's client data, another RP
// ID's hash, a replayed challenge, no user verification, a rewound counter) so the
// tests can check the relying party refuses each.

import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

export type Alg = "ES256" | "EdDSA";

export interface SoftCredential {
  /** Credential ID, base64url. */
  id: string;
  alg: Alg;
  /** The signature counter the authenticator last reported. */
  counter: number;
  /** `user.id` from the creation options (base64url), returned in assertions. */
  userHandle: string | null;
  /** The RP ID the credential is scoped to (the one hashed into its authenticator data). */
  rpId: string;
  /** The user's name from the creation options. */
  userName?: string;
  /** Whether the counter ever moves (false: a synced passkey that always reports 0). */
  counts: boolean;
  privateKey: CryptoKey;
  /** The credential public key as a COSE_Key (what the RP stores). */
  cosePublicKey: Uint8Array;
  /** The public key as DER SubjectPublicKeyInfo. */
  spkiPublicKey: Uint8Array;
}

export interface SoftAuthenticatorOptions {
  alg?: Alg;
  attestation?: "none" | "packed";
  /** 16 bytes; all zeros by default (what "none" attestation reports anyway). */
  aaguid?: Uint8Array;
  /** The BE flag: true acts as a synced passkey (simplewebauthn's "multiDevice"). */
  backupEligible?: boolean;
  /** The BS flag; defaults to `backupEligible` (a synced passkey is backed up). */
  backedUp?: boolean;
  /**
   * The counter a new credential starts at. 0 (the default) acts like synced and
   * Apple passkeys, which never count: every assertion reports 0. Otherwise each
   * assertion adds 1.
   */
  counterStartsAt?: number;
  /**
   * Defaults to "platform" (transports ["internal"]) when backupEligible, else
   * "cross-platform" (transports ["usb"]).
   */
  attachment?: "platform" | "cross-platform";
}

interface ClientOverrides {
  origin: string;
  crossOrigin?: boolean;
  /** Written to client data as `topOrigin` (cross-origin iframes, §5.8.1). */
  topOrigin?: string;
  /** Default true: the UV flag. */
  userVerified?: boolean;
  /** Default true: the UP flag. */
  userPresent?: boolean;
  /** Hash this RP ID into the authenticator data instead of the real one (attack). */
  rpIdOverride?: string;
  /** Put this in client data instead of the options' challenge (attack). */
  challengeOverride?: string;
  /** Put this in client data instead of "webauthn.create"/"webauthn.get" (attack). */
  typeOverride?: string;
}

export interface RegisterOptions extends ClientOverrides {
  /**
   * A real authenticator refuses to create a credential when one of its own is in
   * `excludeCredentials` (§6.3.2 step 3); this skips that check so a test can send
   * the server a duplicate anyway.
   */
  ignoreExcludeCredentials?: boolean;
}

export interface AuthenticateOptions extends ClientOverrides {
  /** Use this credential (base64url ID), whether or not the options allow it. */
  credentialId?: string;
  /** Report this sign count instead of the next one; the stored counter is left alone. */
  counterOverride?: number;
  /** Send this as `userHandle` (undefined leaves it out) instead of the credential's. */
  userHandleOverride?: string | undefined;
}

const COSE_ALG: Record<Alg, number> = { ES256: -7, EdDSA: -8 };

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

/** Thrown where a browser's navigator.credentials call would reject. */
export class SoftAuthenticatorError extends Error {
  /** The DOMException name the browser would reject with. */
  readonly domName: "InvalidStateError" | "NotAllowedError";

  constructor(domName: "InvalidStateError" | "NotAllowedError", message: string) {
    super(message);
    this.name = "SoftAuthenticatorError";
    this.domName = domName;
  }
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  private readonly alg: Alg;
  private readonly attestation: "none" | "packed";
  private readonly aaguid: Uint8Array;
  private readonly backupEligible: boolean;
  private readonly backedUp: boolean;
  private readonly counterStartsAt: number;
  private readonly attachment: "platform" | "cross-platform";

  constructor(opts: SoftAuthenticatorOptions = {}) {
    this.alg = opts.alg ?? "ES256";
    this.attestation = opts.attestation ?? "none";
    this.aaguid = opts.aaguid ?? new Uint8Array(16);
    if (this.aaguid.length !== 16) throw new Error("aaguid must be 16 bytes");
    this.backupEligible = opts.backupEligible ?? false;
    this.backedUp = opts.backedUp ?? this.backupEligible;
    this.counterStartsAt = opts.counterStartsAt ?? 0;
    this.attachment = opts.attachment ?? (this.backupEligible ? "platform" : "cross-platform");
  }

  /** navigator.credentials.create(): answers RegistrationResponseJSON for these options. */
  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    opts: RegisterOptions,
  ): Promise<RegistrationResponseJSON> {
    const rpId = opts.rpIdOverride ?? options.rp.id ?? new URL(opts.origin).hostname;
    if (!opts.ignoreExcludeCredentials) {
      const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
      const mine = this.credentials.find((c) => c.rpId === rpId && excluded.has(c.id));
      if (mine) {
        throw new SoftAuthenticatorError(
          "InvalidStateError",
          `credential ${mine.id} is in excludeCredentials`,
        );
      }
    }

    const clientDataJSON = clientData("webauthn.create", options.challenge, opts);
    const { privateKey, cosePublicKey, spkiPublicKey } = await newKeyPair(this.alg);
    const credentialId = crypto.getRandomValues(new Uint8Array(16));
    const credential: SoftCredential = {
      id: base64urlEncode(credentialId),
      alg: this.alg,
      counter: this.counterStartsAt,
      userHandle: options.user.id ?? null,
      rpId,
      userName: options.user.name,
      counts: this.counterStartsAt !== 0,
      privateKey,
      cosePublicKey,
      spkiPublicKey,
    };

    const attestedCredentialData = concat(
      this.aaguid,
      uint16(credentialId.length),
      credentialId,
      cosePublicKey,
    );
    const authData = concat(
      await authenticatorDataHead(rpId, this.flags(opts) | FLAG_AT, credential.counter),
      attestedCredentialData,
    );

    const attStmt = new Map<string, CborValue>();
    if (this.attestation === "packed") {
      // Self attestation (§8.2): no x5c, signed by the credential private key itself.
      const sig = await sign(credential, concat(authData, await sha256(clientDataJSON)));
      attStmt.set("alg", COSE_ALG[this.alg]);
      attStmt.set("sig", sig);
    }
    const attestationObject = cborEncode(
      new Map<string, CborValue>([
        ["fmt", this.attestation],
        ["attStmt", attStmt],
        ["authData", authData],
      ]),
    );

    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response: {
        clientDataJSON: base64urlEncode(clientDataJSON),
        attestationObject: base64urlEncode(attestationObject),
        authenticatorData: base64urlEncode(authData),
        transports: [this.attachment === "platform" ? "internal" : "usb"],
        publicKeyAlgorithm: COSE_ALG[this.alg],
        publicKey: base64urlEncode(spkiPublicKey),
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.attachment,
    };
  }

  /**
   * navigator.credentials.get(): answers AuthenticationResponseJSON. Picks
   * `credentialId` if given, else the first of this authenticator's credentials for
   * the RP ID that allowCredentials lists, or with an empty list (a discoverable
   * flow) the first credential for the RP ID.
   */
  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    opts: AuthenticateOptions,
  ): Promise<AuthenticationResponseJSON> {
    const realRpId = options.rpId ?? new URL(opts.origin).hostname;
    const credential = this.pick(options, realRpId, opts.credentialId);
    const rpId = opts.rpIdOverride ?? realRpId;

    let signCount: number;
    if (opts.counterOverride !== undefined) {
      signCount = opts.counterOverride;
    } else {
      if (credential.counts) credential.counter += 1;
      signCount = credential.counter;
    }

    const clientDataJSON = clientData("webauthn.get", options.challenge, opts);
    const authData = await authenticatorDataHead(rpId, this.flags(opts), signCount);
    const signature = await sign(credential, concat(authData, await sha256(clientDataJSON)));
    const userHandle =
      "userHandleOverride" in opts ? opts.userHandleOverride : (credential.userHandle ?? undefined);

    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response: {
        clientDataJSON: base64urlEncode(clientDataJSON),
        authenticatorData: base64urlEncode(authData),
        signature: base64urlEncode(signature),
        ...(userHandle === undefined ? {} : { userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.attachment,
    };
  }

  private pick(
    options: PublicKeyCredentialRequestOptionsJSON,
    rpId: string,
    credentialId: string | undefined,
  ): SoftCredential {
    let found: SoftCredential | undefined;
    if (credentialId !== undefined) {
      found = this.credentials.find((c) => c.id === credentialId);
    } else {
      const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
      found = this.credentials.find(
        (c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(c.id)),
      );
    }
    if (!found) {
      throw new SoftAuthenticatorError(
        "NotAllowedError",
        `no credential for RP ID ${rpId}${credentialId ? ` with ID ${credentialId}` : ""}`,
      );
    }
    return found;
  }

  private flags(opts: ClientOverrides): number {
    let flags = 0;
    if (opts.userPresent ?? true) flags |= FLAG_UP;
    if (opts.userVerified ?? true) flags |= FLAG_UV;
    if (this.backupEligible) flags |= FLAG_BE;
    if (this.backupEligible && this.backedUp) flags |= FLAG_BS;
    return flags;
  }
}

// ---------------------------------------------------------------------------
// Client data, authenticator data, keys and signatures

/** CollectedClientData (§5.8.1), serialized in the spec's member order. */
function clientData(type: string, challenge: string, opts: ClientOverrides): Uint8Array {
  const data: Record<string, unknown> = {
    type: opts.typeOverride ?? type,
    challenge: opts.challengeOverride ?? challenge,
    origin: opts.origin,
    crossOrigin: opts.crossOrigin ?? false,
  };
  if (opts.topOrigin !== undefined) data.topOrigin = opts.topOrigin;
  return new TextEncoder().encode(JSON.stringify(data));
}

/** rpIdHash (32) || flags (1) || signCount (4, big-endian): §6.1's fixed 37 bytes. */
async function authenticatorDataHead(
  rpId: string,
  flags: number,
  signCount: number,
): Promise<Uint8Array> {
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, signCount >>> 0, false);
  return concat(await sha256(new TextEncoder().encode(rpId)), Uint8Array.of(flags), count);
}

async function newKeyPair(
  alg: Alg,
): Promise<{ privateKey: CryptoKey; cosePublicKey: Uint8Array; spkiPublicKey: Uint8Array }> {
  const params = alg === "ES256" ? { name: "ECDSA", namedCurve: "P-256" } : { name: "Ed25519" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const spki = new Uint8Array(
    (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer,
  );
  // COSE_Key labels: 1 kty, 3 alg, -1 crv, -2 x, -3 y (RFC 9052 §7.1, RFC 9053 §7).
  const cose = new Map<number, CborValue>();
  if (alg === "ES256") {
    // raw is the SEC 1 uncompressed point: 0x04 || x (32) || y (32).
    cose.set(1, 2); // kty: EC2
    cose.set(3, COSE_ALG.ES256);
    cose.set(-1, 1); // crv: P-256
    cose.set(-2, raw.slice(1, 33));
    cose.set(-3, raw.slice(33, 65));
  } else {
    cose.set(1, 1); // kty: OKP
    cose.set(3, COSE_ALG.EdDSA);
    cose.set(-1, 6); // crv: Ed25519
    cose.set(-2, raw);
  }
  return { privateKey: pair.privateKey, cosePublicKey: cborEncode(cose), spkiPublicKey: spki };
}

/** ES256 as ASN.1 DER (§6.5.5 "Signature Formats"), EdDSA raw (64 bytes). */
async function sign(credential: SoftCredential, data: Uint8Array): Promise<Uint8Array> {
  if (credential.alg === "ES256") {
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, credential.privateKey, data),
    );
    return ecdsaRawToDer(raw);
  }
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, credential.privateKey, data));
}

/** WebCrypto's r || s to Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  return concat(Uint8Array.of(0x30), derLength(r.length + s.length), r, s);
}

function derInteger(unsigned: Uint8Array): Uint8Array {
  // Minimal two's complement: drop leading zero bytes, then add one back if the
  // high bit is set so the integer stays positive.
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  let body = unsigned.subarray(start);
  if (((body[0] ?? 0) & 0x80) !== 0) body = concat(Uint8Array.of(0), body);
  return concat(Uint8Array.of(0x02), derLength(body.length), body);
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length < 0x100) return Uint8Array.of(0x81, length);
  return Uint8Array.of(0x82, length >> 8, length & 0xff);
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

// ---------------------------------------------------------------------------
// CBOR (RFC 8949), only what attestation objects and COSE keys use

type CborValue = number | string | Uint8Array | Map<number | string, CborValue>;

/** Encodes deterministically (§4.2.1): shortest argument, map keys sorted bytewise. */
export function cborEncode(value: CborValue): Uint8Array {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`CBOR: not an integer: ${value}`);
    return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  }
  if (typeof value === "string") {
    const utf8 = new TextEncoder().encode(value);
    return concat(cborHead(3, utf8.length), utf8);
  }
  if (value instanceof Uint8Array) return concat(cborHead(2, value.length), value);
  const entries = [...value].map(([k, v]) => [cborEncode(k), cborEncode(v)] as const);
  entries.sort(([a], [b]) => compareBytes(a, b));
  return concat(cborHead(5, entries.length), ...entries.flat());
}

function cborHead(major: number, argument: number): Uint8Array {
  const m = major << 5;
  if (argument < 24) return Uint8Array.of(m | argument);
  if (argument < 0x100) return Uint8Array.of(m | 24, argument);
  if (argument < 0x10000) return Uint8Array.of(m | 25, argument >> 8, argument & 0xff);
  if (argument < 0x100000000) {
    const head = new Uint8Array(5);
    head[0] = m | 26;
    new DataView(head.buffer).setUint32(1, argument, false);
    return head;
  }
  const head = new Uint8Array(9);
  head[0] = m | 27;
  new DataView(head.buffer).setBigUint64(1, BigInt(argument), false);
  return head;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

// ---------------------------------------------------------------------------
// Bytes

function uint16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Base64url without padding (RFC 4648 §5), as WebAuthn's JSON uses. */
export function base64urlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Accepts base64url with or without padding. */
export function base64urlDecode(s: string): Uint8Array {
  const b64 = s.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
