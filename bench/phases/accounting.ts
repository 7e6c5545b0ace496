// Round trips and commands per operation, counted on the wire: the Worker talks
// to Neon and Upstash through counting proxies (in front of the project's
// bridges), so what is counted is what production would send and be billed for.
import { baseHeaders, login, postJson, register, uniqueEmail } from "../api.ts";
import type { CountingProxy, Counts } from "../counting-proxy.ts";

export interface PerOp {
  postgres: { roundTrips: number; statements: Record<string, number> };
  redis: { roundTrips: number; commands: Record<string, number> };
}

const perOp = (c: Counts, n: number) => ({
  roundTrips: Math.round((c.roundTrips / n) * 100) / 100,
  ops: Object.fromEntries(
    Object.entries(c.operations).map(([k, v]) => [k, Math.round((v / n) * 100) / 100]),
  ),
});

export async function accountingPhase(
  urls: { main: string; consumer: string },
  proxies: { neon: CountingProxy; upstash: CountingProxy },
  n: number,
): Promise<Record<string, PerOp & { count: number }>> {
  // Background writes (ctx.waitUntil) land after the response: let them finish.
  const settle = () => new Promise((r) => setTimeout(r, 500));
  const measure = async (count: number, run: () => Promise<void>) => {
    await settle();
    proxies.neon.reset();
    proxies.upstash.reset();
    await run();
    await settle();
    const pg = perOp(proxies.neon.counts(), count);
    const redis = perOp(proxies.upstash.counts(), count);
    return {
      count,
      postgres: { roundTrips: pg.roundTrips, statements: pg.ops },
      redis: { roundTrips: redis.roundTrips, commands: redis.ops },
    };
  };
  const email = uniqueEmail("accounting");
  const out: Record<string, PerOp & { count: number }> = {};
  out.register = await measure(1, () => register(urls.main, email));
  let session = { access: "", refresh: "" };
  const logins = Math.min(n, 3);
  out.login = await measure(logins, async () => {
    for (let i = 0; i < logins; i++) session = await login(urls.main, email);
  });
  const bearer = { ...baseHeaders, authorization: `Bearer ${session.access}` };
  const get = async (url: string) => {
    const res = await fetch(url, { headers: bearer });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  };
  out.me = await measure(n, async () => {
    for (let i = 0; i < n; i++) await get(`${urls.main}/v1/me`);
  });
  out.verifyServiceBinding = await measure(n, async () => {
    for (let i = 0; i < n; i++) await get(`${urls.consumer}/protected`);
  });
  out.refresh = await measure(n, async () => {
    for (let i = 0; i < n; i++) {
      const r = await postJson(`${urls.main}/v1/token/refresh`, { refresh_token: session.refresh });
      if (r.status !== 200) throw new Error(`refresh: ${r.status}`);
      session.refresh = r.json.refresh_token as string;
    }
  });
  out.logout = await measure(1, async () => {
    const r = await postJson(`${urls.main}/v1/logout`, { refresh_token: session.refresh });
    if (r.status !== 204) throw new Error(`logout: ${r.status}`);
  });
  return out;
}
