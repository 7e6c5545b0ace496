import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { sealSecret } from "../../src/features/mfa/secret-box";
import { parseKeyList } from "../../src/key-list";
import { call, GOOD_PASSWORD, postJson } from "./helpers";
import { sql } from "./mail-helpers";

/**
 * An RFC 6238 code computed here with WebCrypto (RFC 4226 §5.3 dynamic
 * truncation), independently of the otpauth library the Worker uses.
 */
export async function totpAt(secretBase32: string, atMs: number, stepOffset = 0): Promise<string> {
  const counter = Math.floor(atMs / 1000 / 30) + stepOffset;
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const key = await crypto.subtle.importKey(
    "raw",
    base32Decode(secretBase32),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  const offset = (mac[19] as number) & 0x0f;
  const bin =
    (((mac[offset] as number) & 0x7f) << 24) |
    ((mac[offset + 1] as number) << 16) |
    ((mac[offset + 2] as number) << 8) |
    (mac[offset + 3] as number);
  return String(bin % 1_000_000).padStart(6, "0");
}

function base32Decode(s: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/**
 * A moment 5 s into a fresh 30 s step, for tests that run under a fake
 * `Date` (vi.useFakeTimers({ toFake: ["Date"] })): codes made for it cannot
 * straddle a step boundary while the test runs.
 */
export const stepStart = (): number => (Math.floor(Date.now() / 30_000) + 2) * 30_000 + 5_000;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Enroll and confirm TOTP through the API; answers the secret and the recovery codes. */
export async function enableTotp(
  accessToken: string,
  now: number,
): Promise<{ secret: string; recoveryCodes: string[]; uri: string }> {
  const enroll = await call("/v1/mfa/totp/enroll", {
    method: "POST",
    headers: bearer(accessToken),
  });
  expect(enroll.status).toBe(201);
  const { secret, otpauth_uri } = (await enroll.json()) as { secret: string; otpauth_uri: string };
  const confirm = await postJson(
    "/v1/mfa/totp/confirm",
    { code: await totpAt(secret, now) },
    bearer(accessToken),
  );
  expect(confirm.status).toBe(200);
  const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] };
  return { secret, recoveryCodes: recovery_codes, uri: otpauth_uri };
}

/**
 * Turns on TOTP for a user straight in Postgres (sealed with the Worker's own
 * key), for accounts the tests cannot sign in to by password (legacy, social).
 */
export async function enableTotpDirectly(userId: string, secret: string): Promise<void> {
  const keys = parseKeyList(env.MFA_ENCRYPTION_KEYS) ?? [];
  const sealed = await sealSecret(keys, userId, secret);
  await sql()`insert into mfa_totp (user_id, secret, confirmed_at) values (${userId}, ${sealed}, now())`;
}

/** The first step of a password login: answers the body (mfa_required and mfa_token, or tokens). */
export async function passwordStep(
  email: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const res = await postJson("/v1/login", { email, password: GOOD_PASSWORD, ...extra }, headers);
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as Record<string, unknown> };
}

export const loginMfa = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postJson("/v1/login/mfa", body, headers);
