import { createDb } from "../../src/adapters/postgres/client.ts";
import { createRedis } from "../../src/adapters/redis/client.ts";
import { app } from "../../src/app.ts";
import { FIRST_PARTY_CLIENT_ID } from "../../src/auth/client.ts";
import { sealSuccessor } from "../../src/auth/refresh/successor-box.ts";
import { hashSecret, newSecret } from "../../src/auth/secrets.ts";
import { issueAccessToken } from "../../src/auth/tokens/access-token.ts";
import { loadSigningKeys } from "../../src/auth/tokens/signing-keys.ts";
import { createServices } from "../../src/composition-root.ts";
import { parseConfig } from "../../src/config.ts";
import { systemClock } from "../../src/ports.ts";
import { round3, timeBatch } from "./clock.ts";
import { type BenchFixture, benchSubject } from "./fixture.ts";

/**
 * CPU cost (µs per call) of the steps our hot paths may repeat per request,
 * measured on the production modules: what each would cost if it ran per
 * request, and what the request path costs in-process without any network.
 */
export async function costsMicro(f: BenchFixture, env: Env, ctx: ExecutionContext, n: number) {
  const { config } = f;
  const accessSettings = {
    issuer: config.issuer,
    audience: config.audience,
    clientId: FIRST_PARTY_CLIENT_ID,
    ttlSeconds: config.accessTokenTtlSeconds,
    format: config.accessTokenFormat,
  };
  const subject = benchSubject();
  const secret = newSecret();
  // The request scope's shape moves with src/composition-root.ts; only waitUntil matters here.
  const scope = {
    waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p),
    requestId: null,
    ip: null,
    userAgent: null,
  } as unknown as Parameters<typeof createServices>[2];
  const pair = { refreshToken: `x.${secret}`, accessToken: f.token, accessExpiresAt: 0 };
  const sessionId = "AZqXb5ZT1oP6Sg9xkzVjAw";
  const ops: Record<string, () => unknown> = {
    // Runs once per distinct env object (configFromEnv caches by identity).
    parseConfig: () => parseConfig(env as unknown as Record<string, unknown>),
    // A fresh array misses the per-isolate cache: what a cold key set costs.
    importSigningKeys: () => loadSigningKeys([...config.signingKeys]),
    // What each request builds (services, then the clients it touches).
    createServices: () => createServices(config, env, scope),
    createRedisClient: () => createRedis(config),
    createDrizzleDb: () => createDb(config),
    signAccessJwt: () => issueAccessToken(f.keys, accessSettings, systemClock, subject),
    sha256Secret: () => hashSecret(secret),
    sealSuccessor: () => sealSuccessor(secret, sessionId, pair),
    honoHealthInProcess: () => app.fetch(new Request("http://bench/health"), env, ctx),
    bareJsonResponse: () => Response.json({ status: "ok" }),
    empty: () => undefined,
  };
  const names = Object.keys(ops);
  const totals: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  for (const name of names) await ops[name]?.();
  const rounds = 5;
  for (let r = 0; r < rounds; r++) {
    for (const name of names)
      totals[name] = (totals[name] ?? 0) + (await timeBatch(n, ops[name] as () => unknown));
  }
  const empty = totals.empty ?? 0;
  return Object.fromEntries(
    names
      .filter((k) => k !== "empty")
      .map((k) => [k, round3((((totals[k] ?? 0) - empty) / (n * rounds)) * 1000)]),
  );
}
