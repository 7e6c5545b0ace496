import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { authErrors } from "./auth/errors";
import { AuthError, errorBody, httpErrors, logRefusal } from "./errors";
import { classifyFailure } from "./failures";
import { features } from "./features";
import { errorName, log } from "./log";
import { withConfig } from "./middleware/config";
import { corsForAllowedOrigins } from "./middleware/cors";
import { requestId } from "./middleware/request-id";
import { accounts } from "./routes/accounts";
import { adminUsers } from "./routes/admin-users";
import { allowedMethods } from "./routes/allowed-methods";
import { health } from "./routes/health";
import { introspect } from "./routes/introspect";
import { jwks } from "./routes/jwks";
import { apiReference } from "./routes/openapi/routes";
import { sessions } from "./routes/sessions";
import { tokens } from "./routes/tokens";

export const app = new Hono<AppEnv>()
  .use(requestId)
  // An API: forbid framing, sniffing, referrers and any active content. The few
  // pages (routes/pages.ts) set their own CSP and framing headers, which overwrite:
  // false keeps; no other handler sets any of these. Hono's headers that only act
  // on HTML documents or legacy browsers (COOP, Origin-Agent-Cluster, X-XSS-Protection,
  // X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies)
  // are off, as the OWASP REST Security Cheat Sheet advises for JSON APIs: each
  // header is work on every response, in its making and in the runtime's garbage
  // collection (bench/README.md, "Where a full GC's pause goes").
  .use(
    secureHeaders({
      overwrite: false,
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      strictTransportSecurity: "max-age=63072000; includeSubDomains",
      referrerPolicy: "no-referrer",
      crossOriginResourcePolicy: "same-site",
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  )
  // Liveness and readiness come before the configuration middleware: /health must
  // answer whatever the configuration, /ready explains a bad one (src/routes/health.ts).
  // Neither is for browsers, so neither gets CORS.
  .route("/", health)
  .use(withConfig)
  .use(corsForAllowedOrigins)
  .route("/", jwks)
  .route("/", accounts)
  .route("/", tokens)
  .route("/", sessions)
  .route("/", introspect)
  .route("/", adminUsers);

// Every feature's routes, after the core's, in the registry's order.
for (const feature of features) if (feature.routes) app.route("/", feature.routes);

// The contract of every route above (and these): GET /openapi.json, GET /docs.
app.route(
  "/",
  apiReference(() => app.routes, [httpErrors, authErrors, ...features.flatMap((f) => f.errors)]),
);

// Derived once per isolate from the routes above: a pure function of the code.
let methodsOf: ((path: string) => string[]) | undefined;

// It answers through the error funnel itself: hono calls it outside the
// try/catch that sends a handler's throw to onError, so a throw here would skip
// the innermost middleware's work after next() (the CORS grant).
app.notFound((c) => {
  methodsOf ??= allowedMethods(app.routes);
  const allowed = methodsOf(c.req.path);
  // The router also matches a trailing slash the app (strict) does not route:
  // a path that "allows" this very method was not routed, so it does not exist.
  if (allowed.length > 0 && !allowed.includes(c.req.method)) {
    return errorResponse(
      httpErrors.error("method_not_allowed", {
        description: `use ${allowed.join(", ")}`,
        headers: { Allow: allowed.join(", ") },
      }),
      c,
    );
  }
  return errorResponse(httpErrors.error("not_found"), c);
});

/** The one error funnel: typed errors keep their code; anything else is logged and hidden. */
app.onError(errorResponse);

function errorResponse(err: Error, c: Context<AppEnv>): Response {
  const { error, dependency } = toAuthError(err, c.get("requestId"));
  // The server-side reason of a refusal, when it has one: a code, never input.
  if (error.reason) logRefusal(c.get("requestId"), error);
  recordFailureMetric(c, error, dependency);
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  c.header("Cache-Control", "no-store");
  return c.json(errorBody(error), error.status);
}

/**
 * Rate-limit hits (by route) and 503s (by dependency) as data points: the two
 * signals docs/operations.md alerts on that no audit event carries. Only once
 * the configuration built the request's services.
 */
function recordFailureMetric(
  c: Context<AppEnv>,
  error: AuthError,
  dependency: string | undefined,
): void {
  const services = c.get("services");
  if (!services) return;
  if (error.status === 429) {
    services.metrics.record({ event: "rate_limited", method: c.req.routePath });
  } else if (error.status === 503 && error.code === "temporarily_unavailable") {
    services.metrics.record({
      event: "unavailable",
      reason: dependency ?? error.reason ?? "dependency",
    });
  }
}

/** An AuthError as is; Hono's own 404/400; anything else classified (failures.ts) and logged. */
function toAuthError(
  err: Error,
  requestId: string | undefined,
): { error: AuthError; dependency?: string } {
  if (err instanceof AuthError) return { error: err };
  if (err instanceof HTTPException) {
    const name = err.status === 404 ? "not_found" : "invalid_request";
    return { error: httpErrors.error(name, { description: null }) };
  }
  const failure = classifyFailure(err);
  // Log the error's class and the dependency, never its message: driver
  // messages can quote SQL parameters (emails, hashes).
  log("error", "request failed", { requestId, kind: failure.kind, error: errorName(err) });
  return { error: failure.error, dependency: failure.kind };
}
