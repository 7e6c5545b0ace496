// `npm run dev`: the worker on 127.0.0.1:8787 with zero configuration.
//
// - Postgres: DATABASE_URL if set, else embedded PGlite (files in .dev-data/pglite).
// - Redis: REDIS_URL if set, else a redis-server started here (required: there
//   is no stand-in, the Worker's Lua scripts need a real Redis).
// - Durable Object storage and the Redis data live in a state folder that
//   belongs to the database (dev-server/local-state.ts): reset one, reset both.
//   One dev server per state folder (dev-server/lock.ts).
// - The project's bridges put the production clients (Neon driver, Upstash REST)
//   in front of whichever were chosen; migrations are applied.
// - Dev secrets are generated into the git-ignored .dev.vars; the Worker
//   itself never falls back to a default secret.
// - Every documented config variable set in this process's environment overrides
//   the defaults for this run (e.g. ACCESS_TOKEN_TTL_SECONDS=60 npm run dev).
// - Social login: unless providers are configured (OAUTH_*_CLIENT_ID or
//   OAUTH_OIDC_PROVIDERS), a local OpenID Connect provider with one test user and
//   a demo app to start the flow from and end it at (dev-server/social.ts). The
//   demo app also has a passkey page on localhost (dev-server/passkey-page.ts).
// - Ctrl-C stops everything it started (dev-server/lifecycle.ts).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureWasm } from "../scripts/extract-wasm.ts";
import { applyMigrations } from "../scripts/migrate.ts";
import { connectRedis, startNeonBridge, startUpstashBridge } from "./bridges/index.ts";
import { ensureDevVars } from "./dev-server/dev-vars.ts";
import { DevLifecycle } from "./dev-server/lifecycle.ts";
import {
  bindStateToDatabase,
  databaseIdentity,
  type LocalState,
  localStateFor,
  pgliteDir,
} from "./dev-server/local-state.ts";
import { acquireDevLock, DevLockHeld } from "./dev-server/lock.ts";
import { startDevMailSink } from "./dev-server/mail.ts";
import {
  DEV_PROVIDER,
  DEV_USER,
  ownSocialConfig,
  providerClientNames,
  startDevSocialLogin,
} from "./dev-server/social.ts";
import { type SocialUsage, usageLines } from "./dev-server/usage.ts";
import { composeWorkerVars, configNames, devServerDefaults } from "./dev-server/worker-vars.ts";
import { startWranglerDev } from "./dev-server/wrangler.ts";
import { startPglite } from "./stack/pglite.ts";
import { hasRedisServer, REDIS_INSTALL_HINT, startRedisServer } from "./stack/redis.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const log = (message: string) => console.log(`[dev] ${message}`);
const lifecycle = new DevLifecycle(log);

/** A failure the user can act on: printed as it is, without a stack. */
class DevStartError extends Error {}

function requireRedis(): void {
  if (process.env.REDIS_URL || hasRedisServer()) return;
  throw new DevStartError(
    [
      "npm run dev needs Redis, and no redis-server is on PATH. Install it:",
      ...REDIS_INSTALL_HINT.map((hint) => `  ${hint}`),
      "or point REDIS_URL at a Redis you run (REDIS_URL=redis://127.0.0.1:6379 npm run dev).",
    ].join("\n"),
  );
}

/** Postgres: PGlite in the data folder, or the server at DATABASE_URL. */
async function startDatabase(dataDir: string): Promise<{ url: string; label: string }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const { host, pathname } = new URL(external);
    return { url: external, label: `DATABASE_URL from the environment (${host}${pathname})` };
  }
  const files = pgliteDir(dataDir);
  const pglite = await startPglite(files);
  lifecycle.onStop(pglite.stop);
  return { url: pglite.url, label: `embedded PGlite in ${files} (set DATABASE_URL for a server)` };
}

async function startRedis(state: LocalState): Promise<{ url: string; label: string }> {
  if (process.env.REDIS_URL) {
    return { url: process.env.REDIS_URL, label: "REDIS_URL from the environment" };
  }
  const redis = await startRedisServer({ dataDir: state.redisDir });
  lifecycle.onStop(redis.stop);
  return { url: redis.url, label: `redis-server on ${redis.url}, data in ${state.redisDir}` };
}

/** Outgoing mail: EMAIL_API_URL from the environment, else a local Resend-API sink. */
async function startMail(): Promise<{ vars: Record<string, string>; mailbox?: string }> {
  if (process.env.EMAIL_API_URL) {
    log("Mail: EMAIL_API_URL from the environment");
    return { vars: {} };
  }
  const apiKey = `re_dev_${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex")}`;
  const { sink, fellBackFrom } = await startDevMailSink({
    apiKey,
    requestedPort: process.env.MAIL_SINK_PORT,
  });
  lifecycle.onStop(sink.close);
  const mailbox = `${sink.url}/messages`;
  if (fellBackFrom !== undefined) {
    log(`Mail: port ${fellBackFrom} is taken (another npm run dev?), so the sink uses another`);
  }
  log(`Mail: captured by a local sink, read it at ${mailbox}`);
  return {
    vars: {
      EMAIL_API_URL: `${sink.url}/emails`,
      EMAIL_API_KEY: apiKey,
      EMAIL_RETRY_BASE_SECONDS: "5",
    },
    mailbox,
  };
}

/**
 * Social login: the user's own providers if they configured any, else a local
 * test provider registered as `dev` and a demo app whose /signed-in ends the flow.
 */
async function startSocial(
  port: string,
  devVars: Record<string, string>,
): Promise<{ vars: Record<string, string>; usage?: SocialUsage }> {
  const own = ownSocialConfig(process.env, devVars);
  if (own !== undefined) {
    log(`Social login: configured by ${own}, so no local test provider`);
    return { vars: {} };
  }
  const social = await startDevSocialLogin({
    workerPort: port,
    requestedDemoPort: process.env.DEMO_APP_PORT,
    onStarted: (close) => lifecycle.onStop(close),
  });
  if (social.fellBackFrom !== undefined) {
    log(`Social login: port ${social.fellBackFrom} is taken, so the demo app uses another`);
  }
  log(`Social login: a local test provider at ${social.issuer}, demo app at ${social.demo.url}/`);
  return {
    vars: social.vars,
    usage: {
      demoUrl: `${social.demo.url}/`,
      providerName: DEV_PROVIDER.name,
      issuer: social.issuer,
      email: DEV_USER.email,
      redirectUris: social.demo.redirectUris,
      passkeysUrl: social.demo.passkeysUrl,
    },
  };
}

/** Resolves once the Worker answers /health; false if wrangler exited first. */
async function workerAnswers(base: string, exited: Promise<number>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone && !lifecycle.isStopping) {
    try {
      if ((await fetch(`${base}/health`)).ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function main(): Promise<void> {
  lifecycle.stopOnSignals();
  requireRedis();
  const port = process.env.PORT ?? "8787";
  const base = `http://127.0.0.1:${port}`;
  const dataDir = path.resolve(root, process.env.DEV_DATA_DIR || ".dev-data");
  const state = localStateFor(dataDir, process.env.DATABASE_URL || null);

  // Before anything touches the state folder or PGlite's files.
  mkdirSync(state.dir, { recursive: true });
  const lock = acquireDevLock(state.lockFile, base, (stale) =>
    log(`taking over the lock of a dev server that is gone (pid ${stale?.pid ?? "unknown"})`),
  );
  lifecycle.onStop(() => lock.release());

  await ensureWasm(root);
  const devVars = await ensureDevVars(path.join(root, ".dev.vars"), log);
  const database = await startDatabase(dataDir);
  log(`Postgres: ${database.label}`);
  if (bindStateToDatabase(state, await databaseIdentity(database.url))) {
    log(`the database was created anew: its old local state in ${state.dir} was deleted`);
  }
  await applyMigrations(database.url);
  const redis = await startRedis(state);
  log(`Redis: ${redis.label}`);

  const token = process.env.UPSTASH_REDIS_REST_TOKEN ?? devVars.UPSTASH_REDIS_REST_TOKEN ?? "";
  const neon = await startNeonBridge({ port: 0 });
  lifecycle.onStop(neon.close);
  const upstash = await startUpstashBridge({
    port: 0,
    token,
    redis: () => connectRedis(redis.url),
  });
  lifecycle.onStop(upstash.close);
  const mail = await startMail();
  const social = await startSocial(port, devVars);
  const names = [...configNames(root), ...providerClientNames(process.env)];

  const vars = composeWorkerVars({
    // The demo app's passkey page may use cookie mode and WebAuthn.
    defaults: devServerDefaults(
      port,
      social.usage?.passkeysUrl && new URL(social.usage.passkeysUrl).origin,
    ),
    devVars,
    started: {
      DATABASE_URL: database.url,
      NEON_FETCH_ENDPOINT: neon.fetchEndpoint,
      UPSTASH_REDIS_REST_URL: upstash.url,
      ...mail.vars,
      ...social.vars,
    },
    environment: process.env,
    names,
  });
  if (lifecycle.isStopping) return;
  log(`starting the worker on ${base}`);
  const wrangler = startWranglerDev({
    root,
    port,
    persistTo: state.wranglerDir,
    vars,
    envFile: path.join(state.dir, "worker.env"),
  });
  lifecycle.onStop(() => wrangler.stop());
  void wrangler.exited.then((code) => lifecycle.stop(code));

  if (await workerAnswers(base, wrangler.exited)) {
    const fromEnvironment = new Set(names.filter((n) => process.env[n] !== undefined));
    for (const line of usageLines({
      base,
      vars,
      fromEnvironment,
      database: database.label,
      stateDir: state.dir,
      mailbox: mail.mailbox,
      social: social.usage,
    })) {
      log(line);
    }
  }
}

main().catch(async (error: unknown) => {
  const known = error instanceof DevStartError || error instanceof DevLockHeld;
  const message = error instanceof Error ? error.message : String(error);
  console.error(known ? `[dev] ${message}` : `[dev] failed: ${message}`);
  await lifecycle.stop(1);
});
