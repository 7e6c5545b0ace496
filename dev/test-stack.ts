// The real stack for tests and benchmarks, in its own Node process: a fresh
// database on a real PostgreSQL server, a throwaway real Redis, the project's
// protocol bridges in front of both, and dev signing keys. Prints one JSON line
// with the Worker bindings when ready; cleans up on SIGTERM/SIGINT or when its
// stdin closes (the parent died). Fails loudly when a server is missing: no dev
// fallback stands in for a real server here.

import { applyMigrations } from "../scripts/migrate.ts";
import { connectRedis, startNeonBridge, startUpstashBridge } from "./bridges/index.ts";
import { generateSigningKeySet } from "./keys.ts";
import { startLocalGitHub } from "./stack/github-server.ts";
import { startMailSink } from "./stack/mail-sink.ts";
import { startMetricsSink } from "./stack/metrics-sink.ts";
import { startLocalOidcProvider } from "./stack/oidc-provider.ts";
import { startOutageBridges } from "./stack/outage-bridges.ts";
import { createFreshDatabase, findOrStartPostgres } from "./stack/postgres.ts";
import { startPostgresOutageProxy } from "./stack/postgres-outage-proxy.ts";
import { startPwnedRangeServer, TEST_BREACHED_PASSWORDS } from "./stack/pwned-range-server.ts";
import { hasRedisServer, type RedisServer, startRedisServer } from "./stack/redis.ts";
import { startTurnstileServer, TEST_TURNSTILE_SECRET } from "./stack/turnstile-server.ts";

export interface TestStackInfo {
  databaseUrl: string;
  redisUrl: string;
  /** Bridges that outage tests stop and start (dev/stack/outage-bridges.ts). */
  outage: { neonFetchEndpoint: string; upstashUrl: string; controlUrl: string };
  /** Stops and starts the Postgres that audit chain heads write to (AUDIT_DATABASE_URL). */
  auditPostgresControlUrl: string;
  /** The local identity providers by id: where their test control API (`/__test/*`) is. */
  oauthProviders: Record<string, string>;
  bindings: Record<string, string>;
}

async function redisForTests(): Promise<RedisServer> {
  if (hasRedisServer()) return startRedisServer();
  if (process.env.REDIS_URL) {
    const url = process.env.REDIS_URL;
    return { url, port: Number(new URL(url).port || 6379), stop: async () => {} };
  }
  throw new Error(
    "tests need a real Redis: install the Debian `redis-server` package or set REDIS_URL",
  );
}

const cleanups: Array<() => Promise<void>> = [];
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const [postgres, redis] = await Promise.all([findOrStartPostgres(), redisForTests()]);
  cleanups.push(postgres.stop, redis.stop);
  const database = await createFreshDatabase(postgres, "edge_auth_test");
  cleanups.push(database.drop);
  await applyMigrations(database.url);

  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
  const neon = await startNeonBridge({ port: 0 });
  const upstash = await startUpstashBridge({
    port: 0,
    token,
    redis: () => connectRedis(redis.url),
  });
  cleanups.push(neon.close, upstash.close);
  const pwned = await startPwnedRangeServer(TEST_BREACHED_PASSWORDS);
  cleanups.push(pwned.close);
  const outage = await startOutageBridges(redis.url, token);
  cleanups.push(outage.close);
  const turnstile = await startTurnstileServer();
  cleanups.push(turnstile.close);
  const mailApiKey = `re_test_${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex")}`;
  const mailSink = await startMailSink({ apiKey: mailApiKey });
  cleanups.push(mailSink.close);
  const metricsSink = await startMetricsSink();
  cleanups.push(metricsSink.close);
  const auditPostgres = await startPostgresOutageProxy(database.url);
  cleanups.push(auditPostgres.close);
  const oauth = await startOAuthProviders();
  cleanups.push(...oauth.closers);

  const info: TestStackInfo = {
    databaseUrl: database.url,
    redisUrl: redis.url,
    outage: {
      neonFetchEndpoint: outage.neonFetchEndpoint,
      upstashUrl: outage.upstashUrl,
      controlUrl: outage.controlUrl,
    },
    auditPostgresControlUrl: auditPostgres.controlUrl,
    oauthProviders: oauth.controls,
    bindings: {
      ...oauth.bindings,
      DATABASE_URL: database.url,
      NEON_FETCH_ENDPOINT: neon.fetchEndpoint,
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: token,
      PWNED_PASSWORDS_URL: pwned.url,
      TURNSTILE_VERIFY_URL: turnstile.url,
      TURNSTILE_SECRET_KEY: TEST_TURNSTILE_SECRET,
      SIGNING_KEYS: await generateSigningKeySet(),
      AUDIT_HMAC_KEYS: `test1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`,
      MFA_ENCRYPTION_KEYS: `mfa1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`,
      AUDIT_DATABASE_URL: auditPostgres.url,
      // Tests read the mail back from `${sink}/messages` (EMAIL_API_URL minus /emails).
      EMAIL_API_URL: `${mailSink.url}/emails`,
      EMAIL_API_KEY: mailApiKey,
      EMAIL_FROM: "edge-auth tests <no-reply@auth.test>",
      APP_BASE_URL: "https://app.example.test",
      // Redelivery at once: tests count attempts, and the backoff itself is unit-tested
      // (retryDelaySeconds) and checked as passed to retry() (mail-consumer.test.ts).
      EMAIL_RETRY_BASE_SECONDS: "0",
      DOCS_ENABLED: "true",
      // Tests read the data points back from `${sink}/points`.
      METRICS_SINK_URL: `${metricsSink.url}/points`,
    },
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
}

/** The Worker under test answers at http://auth.test (test/worker/helpers.ts). */
const TEST_WORKER_ORIGIN = "http://auth.test";
/** Where flows may end in the tests: a browser app and a mobile app (RFC 8252 §7.1). */
export const TEST_REDIRECT_URIS = [
  "https://app.example.test/auth/done",
  "com.example.app:/oauth/done",
] as const;

/**
 * Local identity providers standing in for Google, LinkedIn and a generic
 * OIDC IdP (panva's oidc-provider, one each) and GitHub (a server speaking
 * its OAuth and REST shapes), each with a client for the Worker under test.
 */
async function startOAuthProviders(): Promise<{
  bindings: Record<string, string>;
  controls: Record<string, string>;
  closers: Array<() => Promise<void>>;
}> {
  const secret = () =>
    Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
  const bindings: Record<string, string> = {
    OAUTH_REDIRECT_URIS: TEST_REDIRECT_URIS.join(","),
  };
  const controls: Record<string, string> = {};
  const closers: Array<() => Promise<void>> = [];
  for (const id of ["google", "linkedin", "acme"]) {
    const clientId = `${id}-test-client`;
    const clientSecret = secret();
    const provider = await startLocalOidcProvider({
      clients: [
        { clientId, clientSecret, redirectUris: [`${TEST_WORKER_ORIGIN}/v1/oauth/${id}/callback`] },
      ],
    });
    closers.push(provider.close);
    controls[id] = provider.issuer;
    const prefix = `OAUTH_${id.toUpperCase()}`;
    bindings[`${prefix}_CLIENT_ID`] = clientId;
    bindings[`${prefix}_CLIENT_SECRET`] = clientSecret;
    if (id !== "acme") bindings[`${prefix}_ISSUER`] = provider.issuer;
    else {
      bindings.OAUTH_OIDC_PROVIDERS = JSON.stringify([
        { id: "acme", issuer: provider.issuer, name: "Acme SSO" },
      ]);
    }
  }
  const githubSecret = secret();
  const github = await startLocalGitHub({
    clientId: "github-test-client",
    clientSecret: githubSecret,
    redirectUris: [`${TEST_WORKER_ORIGIN}/v1/oauth/github/callback`],
  });
  closers.push(github.close);
  controls.github = github.url;
  Object.assign(bindings, {
    OAUTH_GITHUB_CLIENT_ID: "github-test-client",
    OAUTH_GITHUB_CLIENT_SECRET: githubSecret,
    OAUTH_GITHUB_URL: github.url,
    OAUTH_GITHUB_API_URL: github.apiUrl,
  });
  return { bindings, controls, closers };
}

process.on("SIGTERM", () => void stop(0));
process.on("SIGINT", () => void stop(0));
process.stdin.on("end", () => void stop(0));
process.stdin.resume();
main().catch((err: unknown) => {
  console.error(`[test-stack] ${err instanceof Error ? err.message : String(err)}`);
  void stop(1);
});
