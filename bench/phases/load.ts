// Throughput scenarios against one workerd process serving the production
// bundle, the example consumer and the bench worker: /health, the floor route
// vs verify() and authorize() over the service binding, /v1/me, refresh
// rotation, login.
import {
  baseHeaders,
  expectGet,
  login,
  newAccountBearer,
  PASSWORD,
  postJson,
  register,
  subjectOf,
  uniqueEmail,
} from "../api.ts";
import { createClient } from "../load/client.ts";
import { closedLoop } from "../load/closed-loop.ts";
import { httpLoad, httpLoadTool } from "../load/http-load.ts";
import type { Meter } from "../load/meter.ts";
import { type Rotation, rotationLoop } from "../load/rotation.ts";
import { mergeSegments } from "../load/segments.ts";
import type { LoadResult } from "../load/stats.ts";
import type { RunningPeers } from "../peers/measure.ts";
import type { Plan } from "../plan.ts";

const log = (msg: string) => console.error(`[bench] ${msg}`);

/** The role the example consumer's GET /orders needs (`requirePermission("orders:read")`). */
export const ORDERS_ROLE = { name: "bench-orders-reader", permissions: ["orders:read"] };

/** wrk/autocannon after an unrecorded warm-up of the same request. */
export async function fixed(
  meter: Meter,
  plan: Plan,
  url: string,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const load = { url, headers: { ...baseHeaders, ...headers }, connections: plan.connections };
  await httpLoad({ ...load, seconds: plan.warmupSeconds });
  return meter.around(() => httpLoad({ ...load, seconds: plan.seconds }));
}

/**
 * Several scenarios alternately, in `plan.rounds` rounds of A B C C B A (each
 * run a segment long): all see the same drift of this shared machine, so their
 * ratios are fair, and segment k of one scenario ran next to segment k of the
 * next. Throughput is the total over the segments; percentiles are over all
 * their requests (the bench's own loops) or the mean of theirs (wrk).
 */
export async function interleaved(
  rounds: number,
  runs: Array<() => Promise<LoadResult>>,
): Promise<LoadResult[]> {
  const scenarios = runs.map((run) => ({ run, segments: [] as LoadResult[] }));
  for (let round = 0; round < rounds; round++) {
    for (const s of [...scenarios, ...[...scenarios].reverse()]) s.segments.push(await s.run());
  }
  return scenarios.map((s) => mergeSegments(s.segments));
}

/**
 * Gives a user the role behind GET /orders, with the admin key: creates the
 * role (or finds it made by an earlier phase), then assigns it.
 */
export async function grantOrdersRead(main: string, adminKey: string, userId: string) {
  const admin = { ...baseHeaders, authorization: `Bearer ${adminKey}` };
  const created = await postJson(
    `${main}/v1/admin/roles`,
    { ...ORDERS_ROLE, description: "the bench's reader of the example consumer's orders" },
    admin,
  );
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`create role: ${created.status} ${JSON.stringify(created.json)}`);
  }
  const res = await fetch(`${main}/v1/admin/users/${userId}/roles/${ORDERS_ROLE.name}`, {
    method: "PUT",
    headers: admin,
  });
  await res.arrayBuffer();
  if (res.status !== 204) throw new Error(`assign role: ${res.status}`);
}

export async function loadPhase(
  plan: Plan,
  urls: { main: string; consumer: string; consumerCached: string; bench: string },
  meter: Meter,
  adminKey: string,
  /** The same-run baselines: each interleaved with its scenario (ours, peer, peer, ours). */
  peers?: RunningPeers,
) {
  const { email, access, bearer } = await newAccountBearer(urls.main, "load");
  await grantOrdersRead(urls.main, adminKey, subjectOf(access));
  // Each interleaved scenario runs 2 × plan.rounds segments adding up to plan.seconds.
  const segment = { ...plan, seconds: Math.max(1, Math.round(plan.seconds / (2 * plan.rounds))) };

  // Every scenario must answer 200 before it is loaded: errors are not throughput.
  await expectGet(`${urls.main}/health`, {});
  await expectGet(`${urls.bench}/__bench/floor`, {});
  await expectGet(`${urls.consumer}/protected`, bearer);
  await expectGet(`${urls.consumer}/orders`, bearer);
  await expectGet(`${urls.consumerCached}/protected`, bearer);
  await expectGet(`${urls.main}/v1/me`, bearer);

  log(`GET /health (${httpLoadTool}, ${plan.connections} connections, ${plan.seconds} s)`);
  const health = await fixed(meter, plan, `${urls.main}/health`);

  log(
    "floor route vs verify(), authorize() and verify() with the revocation cache over the service binding (A B C D D C B A)",
  );
  const [floor, verify, authorize, verifyCached] = (await interleaved(plan.rounds, [
    () => fixed(meter, segment, `${urls.bench}/__bench/floor`),
    () => fixed(meter, segment, `${urls.consumer}/protected`, bearer),
    () => fixed(meter, segment, `${urls.consumer}/orders`, bearer),
    () => fixed(meter, segment, `${urls.consumerCached}/protected`, bearer),
  ])) as [LoadResult, LoadResult, LoadResult, LoadResult];

  const meRun = (p: Plan) => fixed(meter, p, `${urls.main}/v1/me`, bearer);
  let me: LoadResult;
  let betterAuthGetSession: LoadResult | undefined;
  if (peers) {
    log("GET /v1/me vs Better Auth's getSession (A B B A)");
    [me, betterAuthGetSession] = (await interleaved(plan.rounds, [
      () => meRun(segment),
      () => peers.getSession(segment.seconds),
    ])) as [LoadResult, LoadResult];
  } else {
    log("GET /v1/me");
    me = await meRun(plan);
  }

  log(`POST /v1/token/refresh (${plan.refreshSessions} sessions, one login each)`);
  // Rotation consumes the token, so no fixed-request tool can replay it: each
  // worker owns one session and refreshes with whatever token it got last.
  const tokens = await refreshSessions(urls.main, plan.refreshSessions);
  const refreshRun = (seconds: number, pace?: number) =>
    meter.window((window) =>
      refreshRotation(urls.main, tokens, {
        seconds,
        warmupSeconds: plan.warmupSeconds,
        window,
        pace,
      }),
    );
  let refresh: LoadResult;
  let openAuthRefresh: LoadResult | undefined;
  if (peers) {
    log("refresh vs OpenAuth's refresh grant (A B B A)");
    [refresh, openAuthRefresh] = (await interleaved(plan.rounds, [
      () => refreshRun(segment.seconds),
      () => peers.refresh(segment.seconds),
    ])) as [LoadResult, LoadResult];
  } else {
    refresh = await refreshRun(plan.seconds);
  }
  // The closed loop above measures throughput, and at saturation its latency is
  // mostly its own queue (16 sessions / req/s on average). The tail a user sees
  // at a given traffic is an open loop's: both servers get the same arrivals,
  // by default as many a second as OpenAuth managed above.
  const pace = plan.refreshPace || Math.floor(openAuthRefresh?.rps ?? 0);
  let refreshPaced: LoadResult | undefined;
  let openAuthRefreshPaced: LoadResult | undefined;
  if (peers && pace > 0) {
    log(`refresh vs OpenAuth's, open loop at ${pace}/s (A B B A)`);
    [refreshPaced, openAuthRefreshPaced] = (await interleaved(plan.rounds, [
      () => refreshRun(segment.seconds, pace),
      () => peers.refresh(segment.seconds, pace),
    ])) as [LoadResult, LoadResult];
  } else if (pace > 0) {
    refreshPaced = await refreshRun(plan.seconds, pace);
  }

  log(`POST /v1/login (${plan.loginConcurrency} concurrent, default argon2id)`);
  const loginResult = await loginLoad(meter, plan, urls.main, email);

  return {
    health,
    floor,
    verifyServiceBinding: verify,
    authorizeServiceBinding: authorize,
    verifyServiceBindingCached: verifyCached,
    me,
    refresh,
    ...(refreshPaced ? { refreshPaced } : {}),
    login: loginResult,
    peers:
      betterAuthGetSession && openAuthRefresh
        ? {
            betterAuthGetSession,
            openAuthRefresh,
            ...(openAuthRefreshPaced ? { openAuthRefreshPaced } : {}),
          }
        : undefined,
  };
}

/** One user with `sessions` logins: the refresh tokens the rotation load starts from. */
export async function refreshSessions(base: string, sessions: number): Promise<string[]> {
  const email = uniqueEmail("refresh");
  await register(base, email);
  const tokens: string[] = [];
  for (let i = 0; i < sessions; i++) tokens.push((await login(base, email)).refresh);
  return tokens;
}

/** Our refresh (RFC 6749 §6), one step of the rotation loop: the next token, or null if refused. */
const refreshGrant: Rotation["exchange"] = async (client, token) => {
  const r = await client.post("/v1/token/refresh", { refresh_token: token });
  const next = r.body.refresh_token;
  return { status: r.status, next: r.status === 200 && typeof next === "string" ? next : null };
};

/** Our rotation over `tokens` (one worker per session; bench:ab and bench:profile drive it too). */
export const refreshRotation = (
  base: string,
  tokens: string[],
  run: Pick<Rotation, "seconds" | "warmupSeconds" | "window" | "pace">,
): Promise<LoadResult> => rotationLoop({ base, tokens, exchange: refreshGrant, ...run });

/** Logins at the default argon2id cost; they queue behind one hash per isolate by design. */
async function loginLoad(
  meter: Meter,
  plan: Plan,
  base: string,
  email: string,
): Promise<LoadResult> {
  const client = createClient(base, plan.loginConcurrency, baseHeaders);
  try {
    return await meter.window((window) =>
      closedLoop({
        tool: "node:http closed loop",
        workers: plan.loginConcurrency,
        seconds: plan.seconds,
        warmup: { seconds: plan.warmupSeconds },
        window,
        step: async () => {
          const r = await client.post("/v1/login", { email, password: PASSWORD });
          return { ok: r.status === 200, status: r.status };
        },
      }),
    );
  } finally {
    client.close();
  }
}
