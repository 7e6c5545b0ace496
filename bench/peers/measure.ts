// The bench's same-run baselines: Better Auth's getSession on D1 and OpenAuth's
// refresh grant on KV, built with the repository's wrangler and served by
// Miniflare (the workerd binary the bench uses, with Miniflare's local D1 and KV
// on disk), loaded with the bench's own tools, CPU per request from /proc.
// `startPeers` builds, starts and prepares both; the bench then loads each in
// segments interleaved with the scenario it is the baseline of (A B B A), so
// both see the same drift of this machine. `measurePeers` runs them alone.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { baseHeaders } from "../api.ts";
import { httpLoad } from "../load/http-load.ts";
import { createMeter, type Meter } from "../load/meter.ts";
import { type Rotation, rotationLoop } from "../load/rotation.ts";
import type { LoadResult } from "../load/stats.ts";
import { buildBundle, readWranglerConfig, root, workerdBinary } from "../serve-bundle.ts";

const log = (msg: string) => console.error(`[bench] peers: ${msg}`);

export const peersDir = path.join(root, "bench", "peers");

/** Fixed, bench-only secret of the Better Auth peer (32 bytes or more, as it asks). */
const BETTER_AUTH_SECRET = "bench-only-better-auth-secret-0123456789abcdef";
const BETTER_AUTH_URL = "http://localhost";
const PASSWORD = "a benchmark password, long enough";
/** OpenAuth's default `allow` accepts redirect URIs on localhost. */
const REDIRECT_URI = "http://localhost/callback";
const CLIENT_ID = "bench";

export interface PeerOptions {
  seconds: number;
  warmupSeconds: number;
  /** wrk/autocannon connections for getSession (the bench's BENCH_CONNECTIONS). */
  connections: number;
  /** Closed-loop workers for refresh, one session each (BENCH_REFRESH_SESSIONS). */
  sessions: number;
  /** Build output and the peers' storage (deleted afterwards unless `keep`). */
  workDir: string;
  keep?: boolean;
  /** Postgres databases whose backends cpu.ts should count (none of the peers' doing). */
  databases?: readonly string[];
}

export interface PeerResults {
  betterAuthGetSession: LoadResult;
  openAuthRefresh: LoadResult;
  /** The same grant as an open loop at the rate ours got too (bench/phases/load.ts). */
  openAuthRefreshPaced?: LoadResult;
  /** What served them, for the results file. */
  setup: {
    runtime: string;
    betterAuth: string;
    openAuth: string;
    storage: string;
    deviations: string[];
  };
}

/** Installs the peers' own dependencies (bench/peers/package-lock.json) when missing. */
export function ensurePeerDependencies(): void {
  const marker = path.join(peersDir, "node_modules", "better-auth", "package.json");
  const marker2 = path.join(peersDir, "node_modules", "@openauthjs", "openauth", "package.json");
  if (existsSync(marker) && existsSync(marker2)) return;
  log("installing bench/peers dependencies (npm ci --prefix bench/peers)");
  execFileSync("npm", ["ci", "--prefix", peersDir, "--no-audit", "--no-fund"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

const versionOf = (pkg: string, modules = path.join(peersDir, "node_modules")): string =>
  JSON.parse(readFileSync(path.join(modules, pkg, "package.json"), "utf8")).version;

/** Child processes of this process named `comm`. */
function childrenNamed(comm: string): Set<number> {
  const pids = new Set<number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      if (ppid === process.pid && name === comm) pids.add(Number(d));
    } catch {
      // gone in between
    }
  }
  return pids;
}

/** The peers, started and prepared: each load runs for the given seconds after its warm-up. */
export interface RunningPeers {
  /** Better Auth's `GET /api/auth/get-session` with the one signed-up user's cookie. */
  getSession(seconds: number): Promise<LoadResult>;
  /**
   * OpenAuth's refresh grant over the prepared sessions (they carry on between
   * calls): a closed loop, or an open one at `pace` arrivals per second.
   */
  refresh(seconds: number, pace?: number): Promise<LoadResult>;
  setup: PeerResults["setup"];
  stop(): Promise<void>;
}

export async function startPeers(opts: PeerOptions): Promise<RunningPeers> {
  ensurePeerDependencies();
  // Miniflare comes from the root install (wrangler's own local runtime).
  const { Miniflare, NoOpLog, convertV4MiniflareOptions } = await import("miniflare");
  mkdirSync(opts.workDir, { recursive: true });
  const cfg = readWranglerConfig(path.join(peersDir, "better-auth", "wrangler.jsonc"));
  log("building Better Auth and OpenAuth workers (wrangler deploy --dry-run)");
  const betterAuthBundle = buildBundle(
    path.join(opts.workDir, "dist", "better-auth"),
    path.join(peersDir, "better-auth", "wrangler.jsonc"),
  );
  const openAuthBundle = buildBundle(
    path.join(opts.workDir, "dist", "openauth"),
    path.join(peersDir, "openauth", "wrangler.jsonc"),
  );
  const persist = path.join(opts.workDir, "storage");
  // The same workerd binary as the rest of the bench (Miniflare's own dependency
  // is the same release; this pins it).
  process.env.MINIFLARE_WORKERD_PATH ??= workerdBinary();
  const before = childrenNamed("workerd");
  const worker = (name: string, dir: string) => ({
    name,
    modules: [{ type: "ESModule" as const, path: path.join(dir, "worker.js") }],
    modulesRoot: dir,
    compatibilityDate: cfg.compatibility_date,
    compatibilityFlags: cfg.compatibility_flags ?? [],
    // A socket straight to the Worker, without Miniflare's entry worker (which
    // would add a hop of its own to every request) in front of it.
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  });
  // Miniflare 5 still takes its documented (v4) options through this converter.
  const options = convertV4MiniflareOptions({
    log: new NoOpLog(),
    // OpenAuth logs every request (hono's logger, on in production too): workerd
    // writes the lines, this process drops them unparsed.
    handleStructuredLogs: process.env.BENCH_PEERS_DEBUG
      ? (l) => {
          if (l.level === "error") console.error(l.message);
        }
      : () => {},
    resourcePersistencePath: persist,
    telemetry: { enabled: false },
    host: "127.0.0.1",
    port: 0,
    workers: [
      {
        ...worker("better-auth", betterAuthBundle.dir),
        d1Databases: { DB: "bench-better-auth" },
        bindings: {
          BETTER_AUTH_SECRET,
          BETTER_AUTH_URL,
        },
      },
      {
        ...worker("openauth", openAuthBundle.dir),
        kvNamespaces: { AUTH_STORAGE: "bench-openauth" },
      },
    ],
  });
  const mf = new Miniflare({ ...options, enableDevRegistry: false });
  const stop = async () => {
    await mf.dispose();
    if (!opts.keep) rmSync(opts.workDir, { recursive: true, force: true });
  };
  try {
    await mf.ready;
    const spawned = [...childrenNamed("workerd")].filter((p) => !before.has(p));
    if (spawned.length !== 1) {
      throw new Error(`expected one workerd started by Miniflare, found ${spawned.length}`);
    }
    const workerdPid = spawned[0] as number;
    const meter = createMeter({ workerd: workerdPid, databases: opts.databases ?? [] });
    const betterAuthUrl = (await mf.unsafeGetDirectURL("better-auth")).origin;
    const openAuthUrl = (await mf.unsafeGetDirectURL("openauth")).origin;

    log("Better Auth: schema, one sign-up");
    const db = await mf.getD1Database("DB", "better-auth");
    const statements = readFileSync(path.join(peersDir, "better-auth", "schema.sql"), "utf8")
      .replace(/^\s*--.*$/gm, "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean);
    await db.batch(statements.map((s) => db.prepare(s)));
    const cookie = await betterAuthSignUp(betterAuthUrl);

    log(`OpenAuth: ${opts.sessions} sessions through authorize → code → token`);
    const tokens: string[] = [];
    for (let i = 0; i < opts.sessions; i++) tokens.push(await openAuthSession(openAuthUrl));

    return {
      getSession: (seconds) => getSessionLoad(meter, { ...opts, seconds }, betterAuthUrl, cookie),
      refresh: (seconds, pace) =>
        meter.window((window) =>
          rotationLoop({
            base: openAuthUrl,
            tokens,
            seconds,
            warmupSeconds: opts.warmupSeconds,
            window,
            exchange: openAuthRefreshGrant,
            ...(pace ? { pace } : {}),
          }),
        ),
      setup: {
        runtime: `Miniflare ${versionOf("miniflare", path.join(root, "node_modules"))} (one workerd process, ${workerdBinary()}; direct sockets to each Worker)`,
        betterAuth: `better-auth ${versionOf("better-auth")}, D1 binding as \`database\`, emailAndPassword, defaults otherwise (no cookie cache)`,
        openAuth: `@openauthjs/openauth ${versionOf("@openauthjs/openauth")}, CloudflareStorage over a KV namespace, default TTLs (60 s reuse window), a provider that signs in at once, PKCE S256`,
        storage:
          "Miniflare's local D1 and KV simulators (SQLite in a Durable Object of Miniflare's, same workerd process), persisted on this machine's disk",
        deviations: [
          "D1 and KV are Miniflare's local simulators on local disk: no network, no replication, KV strongly consistent",
          "both peers are built per isolate once (not per request)",
          "OpenAuth's request log lines are written by workerd and dropped by the bench process",
        ],
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Both peers alone, one after the other, each for `opts.seconds` (`node bench/peers/run.ts`). */
export async function measurePeers(opts: PeerOptions): Promise<PeerResults> {
  const peers = await startPeers(opts);
  try {
    log("GET /api/auth/get-session");
    const betterAuthGetSession = await peers.getSession(opts.seconds);
    log("OpenAuth refresh");
    const openAuthRefresh = await peers.refresh(opts.seconds);
    return { betterAuthGetSession, openAuthRefresh, setup: peers.setup };
  } finally {
    await peers.stop();
  }
}

/** Signs one user up; returns the session cookie Better Auth set. */
async function betterAuthSignUp(base: string): Promise<string> {
  const email = `bench-peer-${Date.now()}@example.test`;
  const res = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    // A browser's sign-up carries its origin; Better Auth refuses one without it.
    headers: { ...baseHeaders, "content-type": "application/json", origin: BETTER_AUTH_URL },
    body: JSON.stringify({ email, password: PASSWORD, name: "Bench Peer" }),
  });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`better-auth sign-up: ${res.status} ${text.slice(0, 300)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] as string)
    .find((c) => c.includes("session_token="));
  if (!cookie) throw new Error("better-auth sign-up set no session cookie");
  const check = await fetch(`${base}/api/auth/get-session`, {
    headers: { ...baseHeaders, cookie },
  });
  const session = (await check.json()) as { user?: { email?: string } } | null;
  if (check.status !== 200 || session?.user?.email !== email) {
    throw new Error(`better-auth get-session: ${check.status} ${JSON.stringify(session)}`);
  }
  return cookie;
}

/** As the bench's fixed-request scenarios: an unrecorded warm-up, then the measured run. */
async function getSessionLoad(
  meter: Meter,
  opts: PeerOptions,
  base: string,
  cookie: string,
): Promise<LoadResult> {
  const load = {
    url: `${base}/api/auth/get-session`,
    headers: { ...baseHeaders, cookie },
    connections: opts.connections,
  };
  await httpLoad({ ...load, seconds: opts.warmupSeconds });
  return meter.around(() => httpLoad({ ...load, seconds: opts.seconds }));
}

const b64url = (b: Buffer) => b.toString("base64url");

/** One session through OpenAuth's code flow (PKCE S256); returns its refresh token. */
async function openAuthSession(base: string): Promise<string> {
  const { createHash, randomBytes } = await import("node:crypto");
  const verifier = b64url(randomBytes(48));
  const challenge = b64url(createHash("sha256").update(verifier).digest());
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    state: b64url(randomBytes(12)),
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const start = await fetch(`${base}/authorize?${q}`, { redirect: "manual", headers: baseHeaders });
  await start.arrayBuffer();
  const toProvider = start.headers.get("location");
  const cookies = start.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (start.status !== 302 || !toProvider) throw new Error(`openauth authorize: ${start.status}`);
  const provider = await fetch(new URL(toProvider, base), {
    redirect: "manual",
    headers: { ...baseHeaders, cookie: cookies },
  });
  await provider.arrayBuffer();
  const back = provider.headers.get("location");
  const code = back ? new URL(back).searchParams.get("code") : null;
  if (provider.status !== 302 || !code) {
    throw new Error(`openauth provider: ${provider.status} ${back}`);
  }
  const token = await fetch(`${base}/token`, {
    method: "POST",
    headers: baseHeaders,
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    }),
  });
  const body = (await token.json()) as { refresh_token?: string };
  if (token.status !== 200 || !body.refresh_token) {
    throw new Error(`openauth token: ${token.status} ${JSON.stringify(body)}`);
  }
  return body.refresh_token;
}

/** OpenAuth's refresh grant (RFC 6749 §6), one step of the same rotation loop as ours. */
const openAuthRefreshGrant: Rotation["exchange"] = async (client, token) => {
  const r = await client.postForm("/token", { grant_type: "refresh_token", refresh_token: token });
  const next = r.body.refresh_token;
  if (r.status === 200 && typeof next === "string") return { status: r.status, next };
  if (process.env.BENCH_PEERS_DEBUG) console.error(token, r.status, r.body);
  return { status: r.status, next: null };
};
