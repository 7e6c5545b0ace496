// The workers a bench phase serves, as workerd specs: the production bundle, the
// example consumer (service binding to AuthService, as in production), and the
// bench-only worker (floor route, micro-benchmarks).
import path from "node:path";
import {
  type Bundle,
  buildBundle,
  durableObjectsOf,
  root,
  type WorkerSpec,
  type WranglerConfig,
} from "./serve-bundle.ts";

export const MAIN = "main";
export const CONSUMER = "consumer";
export const BENCH = "bench";
export const PREP = "prep";
export const MAIN_CACHED = "main-cached";
export const CONSUMER_CACHED = "consumer-cached";
/** The window of the opt-in revocation cache row (REVOCATION_CACHE_MS). */
export const BENCH_REVOCATION_CACHE_MS = "1000";

/** argon2id's lowest cost the configuration accepts (src/core-config.ts: 19 MiB, OWASP's floor). */
const CHEAPEST_ARGON2 = {
  ARGON2_MEMORY_KIB: "19456",
  ARGON2_ITERATIONS: "1",
  ARGON2_PARALLELISM: "1",
};

export function mainWorker(
  bundleDir: string,
  cfg: WranglerConfig,
  text: Record<string, string>,
): WorkerSpec {
  return {
    name: MAIN,
    source: bundleDir,
    compatibilityDate: cfg.compatibility_date,
    compatibilityFlags: cfg.compatibility_flags ?? [],
    // The tests' metrics sink would add one HTTP subrequest per auth event;
    // production writes to Analytics Engine without I/O. Without either, the
    // bench measures the Worker's own work (metrics off: no binding here).
    text: withoutTestSinks(text),
    // Every Durable Object binding in wrangler.jsonc, read at build time.
    durableObjects: durableObjectsOf(cfg),
    queues: (cfg.queues?.producers ?? []).map((p) => p.binding),
    listen: true,
  };
}

/**
 * A second copy of the production bundle that prepares the sign-in flows'
 * requests and is never measured: accounts' password first steps (for
 * `mfa_token`s, and for the recent sign-in a passkey registration needs). It
 * hashes at argon2id's lowest accepted cost, so hundreds of first steps take
 * seconds rather than minutes, and its rate limits are out of the way (its
 * requests come from PREP_IP, so they never count against the measured
 * client's). Everything else is shared with the main worker: Postgres, Redis,
 * keys, and the Durable Objects themselves (bound to the main worker's
 * namespaces), so what it prepares is what the main worker redeems.
 */
export function prepWorker(
  bundleDir: string,
  cfg: WranglerConfig,
  text: Record<string, string>,
): WorkerSpec {
  const unlimited: Record<string, string> = {};
  for (const [name, value] of Object.entries(cfg.vars ?? {})) {
    const window = /^RATE_LIMIT_\w+$/.test(name) ? /^\d+\/(\d+)$/.exec(value)?.[1] : undefined;
    if (window) unlimited[name] = `1000000/${window}`;
  }
  return besideMain(bundleDir, cfg, text, PREP, { ...unlimited, ...CHEAPEST_ARGON2 });
}

/**
 * Another copy of the production bundle under `name`, with `vars` over the main
 * worker's, bound to the main worker's Durable Objects rather than its own.
 */
function besideMain(
  bundleDir: string,
  cfg: WranglerConfig,
  text: Record<string, string>,
  name: string,
  vars: Record<string, string>,
): WorkerSpec {
  const main = mainWorker(bundleDir, cfg, text);
  return {
    ...main,
    name,
    text: { ...main.text, ...vars },
    durableObjects: [],
    foreignDurableObjects: durableObjectsOf(cfg).map((d) => ({
      binding: d.binding,
      className: d.className,
      service: MAIN,
    })),
  };
}

/**
 * A second copy of the production bundle with the opt-in revocation cache on
 * (REVOCATION_CACHE_MS = BENCH_REVOCATION_CACHE_MS), for its own `verify()` row
 * through CONSUMER_CACHED. It shares everything else with the main worker, its
 * Durable Objects included; nothing but that consumer reaches it.
 */
export function cachedMainWorker(
  bundleDir: string,
  cfg: WranglerConfig,
  text: Record<string, string>,
): WorkerSpec {
  return {
    ...besideMain(bundleDir, cfg, text, MAIN_CACHED, {
      REVOCATION_CACHE_MS: BENCH_REVOCATION_CACHE_MS,
    }),
    listen: false,
  };
}

function withoutTestSinks(text: Record<string, string>): Record<string, string> {
  const { METRICS_SINK_URL: _sink, ...rest } = text;
  return rest;
}

/**
 * examples/consumer-worker as shipped: a Hono app importing @edge-auth/hono,
 * bundled by wrangler from its own wrangler.jsonc, as a deploy would.
 */
export function buildConsumer(outdir: string): Bundle {
  return buildBundle(outdir, path.join(root, "examples", "consumer-worker", "wrangler.jsonc"));
}

/**
 * The consumer bundle (`buildConsumer`), bound to the main worker's AuthService
 * (or, as CONSUMER_CACHED, to MAIN_CACHED's).
 */
export function consumerWorker(
  cfg: WranglerConfig,
  bundleDir: string,
  as: { name: string; main: string } = { name: CONSUMER, main: MAIN },
): WorkerSpec {
  return {
    name: as.name,
    source: bundleDir,
    compatibilityDate: cfg.compatibility_date,
    services: { AUTH: { service: as.main, entrypoint: "AuthService" } },
    listen: true,
  };
}

/**
 * The bench worker; with `besideMain`, it also binds the main worker's AuditHead
 * class (if wrangler.jsonc declares one) to measure one chain head's ceiling,
 * and the main worker's AuthService as AUTH (the verify ladder's rungs).
 */
export function benchWorker(
  bundleDir: string,
  cfg: WranglerConfig,
  text: Record<string, string>,
  besideMain = false,
): WorkerSpec {
  const auditHead = durableObjectsOf(cfg).find((d) => d.className === "AuditHead");
  return {
    foreignDurableObjects:
      besideMain && auditHead
        ? [{ binding: "MAIN_AUDIT_HEAD", className: auditHead.className, service: MAIN }]
        : [],
    name: BENCH,
    source: bundleDir,
    compatibilityDate: cfg.compatibility_date,
    compatibilityFlags: cfg.compatibility_flags ?? [],
    text,
    services: {
      PROBE_SELF: { service: BENCH, entrypoint: "ProbeEntrypoint" },
      ...(besideMain ? { AUTH: { service: MAIN, entrypoint: "AuthService" } } : {}),
    },
    durableObjects: [{ binding: "PROBE_OBJECT", className: "ProbeObject", sql: true }],
    listen: true,
  };
}
