// The rungs of `npm run bench:verify-ladder`: what an online `verify()` over the
// service binding is made of, each piece added to the one before, so the CPU a
// piece costs is the difference between two rungs measured in the same run.
// The revocation check is the production adapter over the production Upstash
// client, and the binding is the main Worker's AuthService.
import { jwtVerify } from "jose";
import { createRedis } from "../../src/adapters/redis/client.ts";
import { createRedisRevocationList, nbfKey, sidKey } from "../../src/adapters/redis/revocation.ts";
import type { AuthService } from "../../src/rpc.ts";
import type { BenchFixture } from "./fixture.ts";

export interface LadderEnv {
  /** The main Worker's AuthService, bound as the example consumer binds it (bench/workers.ts). */
  AUTH?: Service<AuthService>;
}

const unbound = () => Response.json({ error: "no AUTH binding" }, { status: 501 });

/** The floor's verify: the claims the revocation check is keyed by. */
async function floorClaims(f: BenchFixture): Promise<{ sub: string; sid: string }> {
  const { payload } = await jwtVerify(f.token, f.floorKey);
  return payload as { sub: string; sid: string };
}

const answer = (sub: string, sid: string, revoked: boolean) =>
  Response.json({ hello: sub, session: sid, revoked }, { status: revoked ? 401 : 200 });

/** An HTTP request in and a small JSON answer out: what every rung pays. */
export function ok(): Response {
  return Response.json({ ok: true });
}

/**
 * The binding's round trip alone: `verify()` with a non-string refuses at its
 * first line, before configuration, services, jose or Redis.
 */
export async function hop(env: LadderEnv): Promise<Response> {
  if (!env.AUTH) return unbound();
  const result = await env.AUTH.verify(null as unknown as string);
  return Response.json(result, { status: result.ok ? 500 : 200 });
}

/**
 * The floor, then the revocation check's request as a bare `fetch()`: the
 * bytes the Upstash client sends for `MGET` (its headers included) and the
 * JSON it gets back, without the client. The runtime's share of a subrequest.
 */
export async function floorAndFetch(f: BenchFixture): Promise<Response> {
  const { sub, sid } = await floorClaims(f);
  const res = await fetch(f.config.redis.url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${f.config.redis.token}`,
      "content-type": "application/json",
      "upstash-encoding": "base64",
    },
    body: JSON.stringify(["mget", sidKey(sid), nbfKey(sub)]),
  });
  const { result } = (await res.json()) as { result: unknown[] };
  return answer(sub, sid, !Array.isArray(result) || result[0] !== null);
}

/**
 * The floor, then the production revocation check (one Upstash `MGET` of the
 * session's deny entry and the user's not-before) over a client made for this
 * request, as production makes one (issue 2).
 */
export async function floorAndRevocation(f: BenchFixture): Promise<Response> {
  const { sub, sid } = await floorClaims(f);
  const revocation = createRedisRevocationList(createRedis(f.config));
  return answer(sub, sid, await revocation.isRevoked({ sub, sid }));
}

let isolateClient: ReturnType<typeof createRedis> | undefined;

/**
 * The same check over one client per isolate: what making the client costs
 * each request. Measured only; production makes one per request (issue 2).
 * Safe to share as configured (auto-pipelining off, no I/O object held), which
 * is why it is worth measuring.
 */
export async function floorAndRevocationIsolateClient(f: BenchFixture): Promise<Response> {
  const { sub, sid } = await floorClaims(f);
  isolateClient ??= createRedis(f.config);
  return answer(sub, sid, await createRedisRevocationList(isolateClient).isRevoked({ sub, sid }));
}

/** `verify()` over the binding, called bare: no framework in front of it. */
export async function directVerify(env: LadderEnv, f: BenchFixture): Promise<Response> {
  if (!env.AUTH) return unbound();
  const result = await env.AUTH.verify(f.token);
  return Response.json(result, { status: result.ok ? 200 : 401 });
}
