// Throughput scenarios against one workerd process serving the production
// bundle, the example consumer and the bench worker: /health, the floor route
// vs verify() over the service binding, /v1/me, refresh rotation, login.
import { baseHeaders, expectGet, login, PASSWORD, register, uniqueEmail } from "../api.ts";
import { createClient } from "../load/client.ts";
import { closedLoop } from "../load/closed-loop.ts";
import { type CpuGroups, type CpuPerRequest, cpuPerRequest, cpuSnapshot } from "../load/cpu.ts";
import { httpLoad, httpLoadTool } from "../load/http-load.ts";
import { type LoadResult, round } from "../load/stats.ts";
import type { Plan } from "../plan.ts";

const log = (msg: string) => console.error(`[bench] ${msg}`);

let workerdPid = 0;
let databases: string[] = [];

/** Runs a measured load and attaches the CPU each process group spent per request. */
async function withCpu(run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = cpuSnapshot(workerdPid, databases);
  const result = await run();
  return {
    ...result,
    cpu: cpuPerRequest(before, cpuSnapshot(workerdPid, databases), result.requests),
  };
}

/** wrk/autocannon after an unrecorded warm-up of the same request. */
async function fixed(
  plan: Plan,
  url: string,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const load = { url, headers: { ...baseHeaders, ...headers }, connections: plan.connections };
  await httpLoad({ ...load, seconds: plan.warmupSeconds });
  return withCpu(() => httpLoad({ ...load, seconds: plan.seconds }));
}

/**
 * A and B alternately in the order A B B A, each half as long: both see the
 * same drift of this shared machine, so their ratio is fair. Throughput is the
 * total over both halves; percentiles are the mean of the two halves.
 */
async function paired(a: () => Promise<LoadResult>, b: () => Promise<LoadResult>) {
  const a1 = await a();
  const b1 = await b();
  const b2 = await b();
  const a2 = await a();
  const merge = (x: LoadResult, y: LoadResult): LoadResult => ({
    ...x,
    seconds: x.seconds + y.seconds,
    requests: x.requests + y.requests,
    rps: round((x.requests + y.requests) / (x.seconds + y.seconds), 1),
    p50Ms: round((x.p50Ms + y.p50Ms) / 2),
    p99Ms: round((x.p99Ms + y.p99Ms) / 2),
    errors: x.errors + y.errors,
    cpu: x.cpu && y.cpu ? mergeCpu(x, y) : undefined,
  });
  return { a: merge(a1, a2), b: merge(b1, b2) };
}

/** CPU per request over both halves, weighted by their request counts. */
function mergeCpu(x: LoadResult, y: LoadResult): CpuPerRequest {
  const xs = x.cpu as CpuPerRequest;
  const ys = y.cpu as CpuPerRequest;
  const n = x.requests + y.requests;
  const w = (a: number, b: number) => round((a * x.requests + b * y.requests) / n, 0);
  const keys = Object.keys(xs.microsecondsPerRequest) as Array<keyof CpuGroups>;
  return {
    microsecondsPerRequest: Object.fromEntries(
      keys.map((k) => [k, w(xs.microsecondsPerRequest[k], ys.microsecondsPerRequest[k])]),
    ) as unknown as CpuGroups,
    machineBusy: round((xs.machineBusy + ys.machineBusy) / 2),
  };
}

export async function loadPhase(
  plan: Plan,
  urls: { main: string; consumer: string; bench: string },
  pid: number,
  dbs: string[],
) {
  workerdPid = pid;
  databases = dbs;
  const email = uniqueEmail("load");
  await register(urls.main, email);
  const { access } = await login(urls.main, email);
  const bearer = { authorization: `Bearer ${access}` };
  const half = { ...plan, seconds: Math.max(1, Math.round(plan.seconds / 2)) };

  // Every scenario must answer 200 before it is loaded: errors are not throughput.
  await expectGet(`${urls.main}/health`, {});
  await expectGet(`${urls.bench}/__bench/floor`, {});
  await expectGet(`${urls.consumer}/protected`, bearer);
  await expectGet(`${urls.main}/v1/me`, bearer);

  log(`GET /health (${httpLoadTool}, ${plan.connections} connections, ${plan.seconds} s)`);
  const health = await fixed(plan, `${urls.main}/health`);

  log("floor route vs verify() over the service binding (A B B A)");
  const pair = await paired(
    () => fixed(half, `${urls.bench}/__bench/floor`),
    () => fixed(half, `${urls.consumer}/protected`, bearer),
  );

  log("GET /v1/me");
  const me = await fixed(plan, `${urls.main}/v1/me`, bearer);

  log(`POST /v1/token/refresh (${plan.refreshSessions} sessions, one login each)`);
  const refresh = await refreshLoad(plan, urls.main);

  log(`POST /v1/login (${plan.loginConcurrency} concurrent, default argon2id)`);
  const loginResult = await loginLoad(plan, urls.main, email);

  return {
    health,
    floor: pair.a,
    verifyServiceBinding: pair.b,
    me,
    refresh,
    login: loginResult,
  };
}

/**
 * Rotation consumes the token, so no fixed-request tool can replay it: each
 * worker owns one session and refreshes with whatever token it got last.
 */
async function refreshLoad(plan: Plan, base: string): Promise<LoadResult> {
  const tokens = await refreshSessions(base, plan.refreshSessions);
  return withCpu(() => refreshRotation(base, tokens, plan.seconds, plan.warmupSeconds));
}

/** One user with `sessions` logins: the refresh tokens the rotation load starts from. */
export async function refreshSessions(base: string, sessions: number): Promise<string[]> {
  const email = uniqueEmail("refresh");
  await register(base, email);
  const tokens: string[] = [];
  for (let i = 0; i < sessions; i++) tokens.push((await login(base, email)).refresh);
  return tokens;
}

/**
 * The closed-loop rotation over `tokens` (one worker per session), replacing each
 * token with the one the server returned, so the sessions can be driven again.
 */
export async function refreshRotation(
  base: string,
  tokens: string[],
  seconds: number,
  warmupSeconds: number,
): Promise<LoadResult> {
  const client = createClient(base, tokens.length, baseHeaders);
  try {
    return await closedLoop({
      tool: "node:http closed loop",
      workers: tokens.length,
      seconds,
      warmupSeconds,
      step: async (w) => {
        const r = await client.post("/v1/token/refresh", { refresh_token: tokens[w] });
        if (r.status !== 200 || typeof r.body.refresh_token !== "string") {
          // The session is dead (or the server refused): nothing left to rotate.
          return { ok: false, status: r.status, stop: true };
        }
        tokens[w] = r.body.refresh_token;
        return { ok: true, status: r.status };
      },
    });
  } finally {
    client.close();
  }
}

/** Logins at the default argon2id cost; they queue behind one hash per isolate by design. */
async function loginLoad(plan: Plan, base: string, email: string): Promise<LoadResult> {
  const client = createClient(base, plan.loginConcurrency, baseHeaders);
  try {
    return await withCpu(() =>
      closedLoop({
        tool: "node:http closed loop",
        workers: plan.loginConcurrency,
        seconds: plan.seconds,
        warmupSeconds: plan.warmupSeconds,
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
