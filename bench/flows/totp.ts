// The TOTP second step's preparation: accounts with TOTP turned on straight in
// Postgres (the secret sealed by the Worker's own sealSecret, as
// test/worker/mfa-helpers.ts `enableTotpDirectly` does), and one password first
// step each on the prep worker for an `mfa_token`. Codes are computed here, at
// request time, for the current 30 s step (RFC 6238): the Worker accepts a code
// once per step and account, so every prepared token has an account of its own.
import { createHmac, randomBytes } from "node:crypto";
import path from "node:path";
import { build } from "esbuild";
import type pg from "pg";
import { parseKeyList } from "../../src/key-list.ts";
import { PASSWORD } from "../api.ts";
import { createClient } from "../load/client.ts";
import { root } from "../serve-bundle.ts";
import { bulkAccounts, mapLimit, prepHeaders } from "./accounts.ts";

export interface MfaChallenge {
  mfaToken: string;
  /** The account's TOTP secret, base32. */
  secret: string;
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** 160 random bits as RFC 4648 base32, what the Worker's enrolment makes. */
export function newTotpSecret(): string {
  let bits = "";
  for (const b of randomBytes(20)) bits += b.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += BASE32[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

function base32Bytes(secret: string): Buffer {
  let bits = "";
  for (const ch of secret.replace(/=+$/, ""))
    bits += BASE32.indexOf(ch).toString(2).padStart(5, "0");
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8)
    bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 (SHA-1, 6 digits, 30 s) with RFC 4226 §5.3's dynamic truncation. */
export function totpCode(secret: string, atMs = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac("sha1", base32Bytes(secret)).update(counter).digest();
  const offset = (mac[19] as number) & 0x0f;
  const bin = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(bin % 1_000_000).padStart(6, "0");
}

type SecretBox = typeof import("../../src/features/mfa/secret-box.ts");

/**
 * src/features/mfa/secret-box.ts as the Worker runs it. Its imports name no
 * `.ts` extension (the Worker is bundled), so Node cannot load it as it is:
 * esbuild bundles it (and what it imports from src/) into one module first.
 */
async function workerSealing(): Promise<SecretBox["sealSecret"]> {
  const out = await build({
    entryPoints: [path.join(root, "src", "features", "mfa", "secret-box.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles[0]?.text ?? "";
  const url = `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`;
  return ((await import(url)) as SecretBox).sealSecret;
}

/** `n` accounts with TOTP on, each stopped at its second step: their `mfa_token`s. */
export async function prepareMfaChallenges(opts: {
  prep: string;
  db: pg.Client;
  /** MFA_ENCRYPTION_KEYS of the Worker. */
  keys: string;
  n: number;
}): Promise<MfaChallenge[]> {
  const keys = parseKeyList(opts.keys);
  if (!keys) throw new Error("MFA_ENCRYPTION_KEYS is missing or malformed");
  const seal = await workerSealing();
  const accounts = await bulkAccounts(opts.prep, opts.db, "mfa", opts.n);
  const secrets = accounts.map(() => newTotpSecret());
  const sealed = await Promise.all(accounts.map((a, i) => seal(keys, a.id, secrets[i] as string)));
  await opts.db.query(
    `insert into mfa_totp (user_id, secret, confirmed_at)
     select u, s, now() from unnest($1::uuid[], $2::text[]) as t(u, s)`,
    [accounts.map((a) => a.id), sealed],
  );
  // The prep worker hashes one password at a time; two in flight keep it busy.
  const client = createClient(opts.prep, 2, prepHeaders);
  try {
    return await mapLimit(accounts, 2, async (account, i) => {
      const r = await client.post("/v1/login", { email: account.email, password: PASSWORD });
      if (
        r.status !== 200 ||
        r.body.mfa_required !== true ||
        typeof r.body.mfa_token !== "string"
      ) {
        throw new Error(`first step: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
      return { mfaToken: r.body.mfa_token, secret: secrets[i] as string };
    });
  } finally {
    client.close();
  }
}
