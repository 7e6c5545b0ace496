import { jwtVerify } from "jose";
import { verifyAccessToken } from "../../src/auth/tokens/access-token.ts";
import { CLOCK_SKEW_SECONDS, isAccessTokenClaims } from "../../src/auth/tokens/claims.ts";
import { systemClock } from "../../src/ports.ts";
import { round3, timeBatch } from "./clock.ts";
import type { BenchFixture } from "./fixture.ts";

const fromBase64url = (s: string): Uint8Array =>
  Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

// TC39 Uint8Array.fromBase64, where the runtime has it (native decoding).
const native = (
  Uint8Array as unknown as {
    fromBase64?: (s: string, o: { alphabet: "base64url" }) => Uint8Array;
  }
).fromBase64;
const decode64 = native ? (s: string) => native(s, { alphabet: "base64url" }) : fromBase64url;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * What the same pinned checks cost without jose's general JWS machinery: split,
 * one header JSON, the kid lookup, one `crypto.subtle.verify`, one payload JSON,
 * the claim checks. Bench-only, to size a possible change to src/auth/tokens/jwt.ts.
 */
async function pinnedWithoutJose(
  f: BenchFixture,
  settings: { issuer: string; audience: string; ttlSeconds: number },
  token: string,
): Promise<boolean> {
  const a = token.indexOf(".");
  const b = token.indexOf(".", a + 1);
  if (a < 1 || b < 0 || token.indexOf(".", b + 1) !== -1 || token.length > 4096) return false;
  const header = JSON.parse(decoder.decode(decode64(token.slice(0, a))));
  if (header.alg !== "EdDSA" || header.typ !== "at+jwt" || header.crit !== undefined) return false;
  const key = typeof header.kid === "string" ? f.keys.byKid.get(header.kid) : undefined;
  if (!key) return false;
  const signed = encoder.encode(token.slice(0, b));
  if (
    !(await crypto.subtle.verify(
      "Ed25519",
      key.publicKey,
      fromBase64url(token.slice(b + 1)),
      signed,
    ))
  )
    return false;
  const p = JSON.parse(decoder.decode(decode64(token.slice(a + 1, b))));
  const now = Math.floor(Date.now() / 1000);
  return (
    isAccessTokenClaims(p) &&
    p.iss === settings.issuer &&
    p.aud === settings.audience &&
    p.exp > now - CLOCK_SKEW_SECONDS &&
    p.iat <= now + CLOCK_SKEW_SECONDS &&
    now - p.iat <= settings.ttlSeconds + CLOCK_SKEW_SECONDS
  );
}

/**
 * Our local verify (signature + pinned header + claim checks, no revocation)
 * against a bare `crypto.subtle.verify("Ed25519")` on the same signing input
 * and signature, and jose's `jwtVerify` without options in between. Batches
 * are interleaved and their order rotates per round, so drift hits all alike.
 */
export async function verifyMicro(f: BenchFixture, n: number, rounds: number) {
  const settings = {
    issuer: f.config.issuer,
    audience: f.config.audience,
    ttlSeconds: f.config.accessTokenTtlSeconds,
  };
  const [header, payload, signature] = f.token.split(".") as [string, string, string];
  const signingInput = new TextEncoder().encode(`${header}.${payload}`);
  const sig = fromBase64url(signature);
  const publicKey = f.keys.current.publicKey;

  const ops = {
    ours: async () => {
      const r = await verifyAccessToken(f.keys, settings, systemClock, f.token);
      if (!r.ok) throw new Error(`our verify rejected the token: ${r.reason}`);
    },
    bare: async () => {
      if (!(await crypto.subtle.verify("Ed25519", publicKey, sig, signingInput)))
        throw new Error("bare verify rejected the signature");
    },
    jose: async () => {
      await jwtVerify(f.token, f.floorKey);
    },
    pinned: async () => {
      if (!(await pinnedWithoutJose(f, settings, f.token)))
        throw new Error("pinned verify rejected");
    },
    empty: () => undefined,
  };
  const names = Object.keys(ops) as Array<keyof typeof ops>;
  const totals = { ours: 0, bare: 0, jose: 0, pinned: 0, empty: 0 };
  // Per round, ours over bare (each less the round's empty batch): the median of
  // these shrugs off a round in which the machine was busy with something else.
  const roundRatios: number[] = [];
  for (const op of names) await ops[op](); // warm-up and sanity check
  for (let r = 0; r < rounds; r++) {
    const times = { ours: 0, bare: 0, jose: 0, pinned: 0, empty: 0 };
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length] as keyof typeof ops;
      times[name] = await timeBatch(n, ops[name]);
      totals[name] += times[name];
    }
    roundRatios.push((times.ours - times.empty) / (times.bare - times.empty));
  }
  roundRatios.sort((a, b) => a - b);
  const medianRatio = roundRatios[roundRatios.length >> 1] as number;
  const count = n * rounds;
  // The empty batch is the loop plus the two ticks; it is subtracted from each.
  const perOp = (name: keyof typeof totals) =>
    round3(((totals[name] - totals.empty) / count) * 1000);
  const ours = perOp("ours");
  const bare = perOp("bare");
  return {
    operations: count,
    microsecondsPerOp: {
      ours,
      bareEd25519: bare,
      joseJwtVerifyNoOptions: perOp("jose"),
      pinnedChecksWithoutJose: perOp("pinned"),
    },
    emptyBatchMs: round3(totals.empty / rounds),
    /** Median over rounds of ours/bare; the totals' ratio is `ratioOfTotals`. */
    ratioOursToBare: round3(medianRatio),
    ratioOfTotals: round3(ours / bare),
    roundRatioRange: [round3(roundRatios[0] as number), round3(roundRatios.at(-1) as number)],
    ratioPinnedWithoutJoseToBare: round3(perOp("pinned") / bare),
    nativeBase64: native !== undefined,
  };
}
