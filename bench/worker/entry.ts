// The bench-only Worker (never deployed): the floor route the issue's
// service-binding target is measured against, and micro-benchmarks that must run
// inside workerd. It imports the production modules, so what it measures is the
// shipped code, in a separate isolate of the same workerd process.
import { errors, jwtVerify } from "jose";
import { argon2Micro } from "./argon2-micro.ts";
import { type AuditHeadEnv, auditHeadMicro } from "./audit-head-micro.ts";
import { costsMicro } from "./costs-micro.ts";
import { type BenchFixture, fixtureFor } from "./fixture.ts";
import {
  directVerify,
  floorAndFetch,
  floorAndRevocation,
  floorAndRevocationIsolateClient,
  hop,
  type LadderEnv,
  ok,
} from "./ladder.ts";
import { type ProbeEnv, probeEnvIdentity, probeWipe } from "./probe.ts";
import { verifyMicro } from "./verify-micro.ts";

export { ProbeEntrypoint, ProbeObject } from "./probe.ts";

/**
 * The floor: jose `jwtVerify` on a fixed EdDSA token with a key imported once,
 * no claim options, no I/O. What any JWT-verifying Worker pays at minimum.
 */
async function floor(f: BenchFixture): Promise<Response> {
  try {
    const { payload } = await jwtVerify(f.token, f.floorKey);
    return Response.json({ hello: payload.sub, session: payload.sid });
  } catch (err) {
    const code = err instanceof errors.JOSEError ? err.code : "error";
    return Response.json({ error: code }, { status: 401 });
  }
}

const int = (url: URL, name: string, fallback: number) =>
  Math.max(0, Math.min(1_000_000, Number(url.searchParams.get(name) ?? fallback) || fallback));

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const f = await fixtureFor(env);
    switch (url.pathname) {
      case "/__bench/floor":
        return floor(f);
      case "/__bench/ladder/ok":
        return ok();
      case "/__bench/ladder/hop":
        return hop(env);
      case "/__bench/ladder/revocation":
        return floorAndRevocation(f);
      case "/__bench/ladder/isolate-client":
        return floorAndRevocationIsolateClient(f);
      case "/__bench/ladder/fetch":
        return floorAndFetch(f);
      case "/__bench/ladder/verify":
        return directVerify(env, f);
      case "/__bench/micro/verify":
        return Response.json(await verifyMicro(f, int(url, "n", 500), int(url, "rounds", 10)));
      case "/__bench/micro/argon2":
        return Response.json(await argon2Micro(f.config, int(url, "n", 1)));
      case "/__bench/micro/audit-head":
        return Response.json(
          await auditHeadMicro(env, int(url, "n", 2000), int(url, "concurrency", 16)),
        );
      case "/__bench/probe/wipe":
        return Response.json(await probeWipe(env));
      case "/__bench/probe/env":
        return Response.json(await probeEnvIdentity(env));
      case "/__bench/micro/costs":
        return Response.json(await costsMicro(f, env, ctx, int(url, "n", 200)));
      default:
        return new Response("not found", { status: 404 });
    }
  },
} satisfies ExportedHandler<Env & ProbeEnv & AuditHeadEnv & LadderEnv>;
