// Throughput of the sign-in flows (issue 22): the TOTP second step, passkey
// sign-in (options, then verification), and the social-login callback against
// the bench's local OIDC provider. Each request consumes something prepared
// beforehand and unmeasured (an `mfa_token`, a ceremony, a flow that has been
// through the provider), so each runs as a closed loop over a finite pool:
// a warm-up of a tenth of the pool, then at most BENCH_FLOW_SECONDS, less when
// the pool runs dry. CPU per request is read over the measured window only.
import { baseHeaders } from "../api.ts";
import { withDatabase } from "../flows/accounts.ts";
import {
  assertions,
  type PasskeyAccounts,
  type PasskeyCeremony,
  preparePasskeyAccounts,
} from "../flows/passkeys.ts";
import {
  callback,
  prepareCallbacks,
  type SocialPeople,
  signedIn,
  socialPeople,
} from "../flows/social.ts";
import { type MfaChallenge, prepareMfaChallenges, totpCode } from "../flows/totp.ts";
import { type Client, createClient, type JsonResponse } from "../load/client.ts";
import { closedLoop } from "../load/closed-loop.ts";
import type { Meter } from "../load/meter.ts";
import type { LoadResult } from "../load/stats.ts";
import type { BenchProvider } from "../oidc-provider.ts";
import { flowWarmup, type Plan } from "../plan.ts";

const log = (msg: string) => console.error(`[bench] ${msg}`);

/** What the flows are prepared with. */
export interface FlowSetup {
  /** The prep worker (bench/workers.ts `prepWorker`). */
  prep: string;
  databaseUrl: string;
  provider: BenchProvider;
  /** The Worker's text bindings (MFA_ENCRYPTION_KEYS, WEBAUTHN_ORIGINS, OAUTH_REDIRECT_URIS). */
  text: Record<string, string>;
}

/** Made once in the throughput phase and used again by the accounting phase. */
export interface FlowPeople {
  passkeys: PasskeyAccounts;
  social: SocialPeople;
}

/** One closed loop over `items`, each sent once; `ok` says whether the answer is a success. */
export async function pooled<T>(
  meter: Meter,
  plan: Plan,
  base: string,
  items: readonly T[],
  send: (client: Client, item: T) => Promise<JsonResponse>,
  ok: (res: JsonResponse, item: T) => boolean,
): Promise<LoadResult> {
  const client = createClient(base, plan.connections, baseHeaders);
  let next = 0;
  try {
    return await meter.window((window) =>
      closedLoop({
        tool: "node:http closed loop",
        workers: plan.connections,
        seconds: plan.flowSeconds,
        warmup: { requests: flowWarmup(items.length) },
        window,
        step: async () => {
          if (next >= items.length) return null;
          const item = items[next++] as T;
          const res = await send(client, item);
          return { ok: ok(res, item), status: res.status };
        },
      }),
    );
  } finally {
    client.close();
  }
}

export const secondStep = (client: Client, c: MfaChallenge) =>
  client.post("/v1/login/mfa", { mfa_token: c.mfaToken, code: totpCode(c.secret) });

export const signedInByBody = (res: JsonResponse) =>
  res.status === 200 && typeof res.body.access_token === "string";

export const ceremonyOf = (res: JsonResponse): PasskeyCeremony | null =>
  res.status === 200 && typeof res.body.flow_id === "string"
    ? { flow_id: res.body.flow_id, options: res.body.options as PasskeyCeremony["options"] }
    : null;

export async function flowsPhase(
  plan: Plan,
  main: string,
  meter: Meter,
  setup: FlowSetup,
): Promise<{ results: Record<string, LoadResult>; people: FlowPeople }> {
  const text = setup.text;
  log(`TOTP second step: ${plan.mfaTokens} accounts with TOTP, a first step each (prep worker)`);
  const challenges = await withDatabase(setup.databaseUrl, (db) =>
    prepareMfaChallenges({
      prep: setup.prep,
      db,
      keys: text.MFA_ENCRYPTION_KEYS ?? "",
      n: plan.mfaTokens,
    }),
  );
  log(`POST /v1/login/mfa over ${challenges.length} tokens (${plan.connections} workers)`);
  const mfaSecondStep = await pooled(meter, plan, main, challenges, secondStep, signedInByBody);

  log(`passkey sign-in: ${plan.flowAccounts} accounts register a passkey (prep worker)`);
  const passkeys = await withDatabase(setup.databaseUrl, (db) =>
    preparePasskeyAccounts({
      prep: setup.prep,
      db,
      n: plan.flowAccounts,
      origins: text.WEBAUTHN_ORIGINS ?? "",
    }),
  );
  log(`POST /v1/passkeys/login/options, ${plan.passkeyFlows} ceremonies`);
  const ceremonies: PasskeyCeremony[] = [];
  const passkeyOptions = await pooled(
    meter,
    plan,
    main,
    Array.from({ length: plan.passkeyFlows }, (_, i) => i),
    (client) => client.post("/v1/passkeys/login/options", {}),
    (res) => {
      const ceremony = ceremonyOf(res);
      if (ceremony) ceremonies.push(ceremony);
      return ceremony !== null;
    },
  );
  const answers = await assertions(passkeys, ceremonies);
  log(`POST /v1/passkeys/login/verify over ${answers.length} signed assertions`);
  const passkeyVerify = await pooled(
    meter,
    plan,
    main,
    answers,
    (client, body) => client.post("/v1/passkeys/login/verify", body),
    signedInByBody,
  );

  log(`social login: ${plan.flowAccounts} people at the local OIDC provider sign in once`);
  const social = await socialPeople({
    main,
    provider: setup.provider,
    n: plan.flowAccounts,
    redirectUris: text.OAUTH_REDIRECT_URIS ?? "",
  });
  log(`${plan.socialFlows} flows started and taken through the provider`);
  const flows = await prepareCallbacks(main, social, plan.socialFlows);
  log(`GET /v1/oauth/{provider}/callback over ${flows.length} flows`);
  const socialCallback = await pooled(meter, plan, main, flows, callback, (res) =>
    signedIn(res, social.redirectUri),
  );

  return {
    results: { mfaSecondStep, passkeyOptions, passkeyVerify, socialCallback },
    people: { passkeys, social },
  };
}
