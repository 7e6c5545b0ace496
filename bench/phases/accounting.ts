// Round trips and commands per operation, counted on the wire: the Worker talks
// to Neon and Upstash through counting proxies (in front of the project's
// bridges), so what is counted is what production would send and be billed for.
import { baseHeaders, login, postJson, register, subjectOf, uniqueEmail } from "../api.ts";
import type { CountingProxy, Counts } from "../counting-proxy.ts";
import { withDatabase } from "../flows/accounts.ts";
import { assertions, type PasskeyCeremony } from "../flows/passkeys.ts";
import { callback, prepareCallbacks, signedIn } from "../flows/social.ts";
import { prepareMfaChallenges } from "../flows/totp.ts";
import { createClient, type JsonResponse } from "../load/client.ts";
import {
  ceremonyOf,
  type FlowPeople,
  type FlowSetup,
  secondStep,
  signedInByBody,
} from "./flows.ts";
import { grantOrdersRead } from "./load.ts";

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
  flows: { setup: FlowSetup; people: FlowPeople; adminKey: string },
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
  await grantOrdersRead(urls.main, flows.adminKey, subjectOf(session.access));
  out.authorizeServiceBinding = await measure(n, async () => {
    for (let i = 0; i < n; i++) await get(`${urls.consumer}/orders`);
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
  Object.assign(out, await signInFlows(urls.main, n, flows, measure));
  return out;
}

type Measure = (count: number, run: () => Promise<void>) => Promise<PerOp & { count: number }>;

/**
 * The sign-in flows, one request at a time, each prepared outside its count:
 * the TOTP second step; passkey sign-in as a flow (options and verification,
 * the client's two round trips) and its verification alone; social login's
 * start and its callback.
 */
async function signInFlows(
  main: string,
  n: number,
  flows: { setup: FlowSetup; people: FlowPeople },
  measure: Measure,
): Promise<Record<string, PerOp & { count: number }>> {
  const client = createClient(main, 1, baseHeaders);
  const expect = (what: string, ok: boolean, res: JsonResponse) => {
    if (!ok) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  };
  const { setup, people } = flows;
  const out: Record<string, PerOp & { count: number }> = {};
  try {
    const challenges = await withDatabase(setup.databaseUrl, (db) =>
      prepareMfaChallenges({
        prep: setup.prep,
        db,
        keys: setup.text.MFA_ENCRYPTION_KEYS ?? "",
        n,
      }),
    );
    out.mfaSecondStep = await measure(n, async () => {
      for (const c of challenges) {
        const res = await secondStep(client, c);
        expect("login/mfa", signedInByBody(res), res);
      }
    });

    const options = async () => {
      const res = await client.post("/v1/passkeys/login/options", {});
      const ceremony = ceremonyOf(res);
      expect("passkey options", ceremony !== null, res);
      return ceremony as PasskeyCeremony;
    };
    const verify = async (body: unknown) => {
      const res = await client.post("/v1/passkeys/login/verify", body);
      expect("passkey verify", signedInByBody(res), res);
    };
    out.passkeyLogin = await measure(n, async () => {
      for (let i = 0; i < n; i++) {
        const [answer] = await assertions(people.passkeys, [await options()]);
        await verify(answer);
      }
    });
    const ceremonies: PasskeyCeremony[] = [];
    for (let i = 0; i < n; i++) ceremonies.push(await options());
    const answers = await assertions(people.passkeys, ceremonies);
    out.passkeyVerify = await measure(n, async () => {
      for (const answer of answers) await verify(answer);
    });

    let prepared: Awaited<ReturnType<typeof prepareCallbacks>> = [];
    out.socialStart = await measure(n, async () => {
      prepared = await prepareCallbacks(main, people.social, n);
    });
    out.socialCallback = await measure(n, async () => {
      for (const flow of prepared) {
        const res = await callback(client, flow);
        expect("social callback", signedIn(res, people.social.redirectUri), res);
      }
    });
  } finally {
    client.close();
  }
  return out;
}
