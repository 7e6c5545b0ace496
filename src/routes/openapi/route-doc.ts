import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../../app-env";
import type { ErrorSpec } from "../../errors";

/** How a caller authenticates to a route (the document's security schemes). */
export type Credential =
  /** An access token, `Authorization: Bearer` (RFC 6750). */
  | "bearer"
  /** The browser's refresh cookie (`__Host-refresh`, cookie mode). */
  | "refreshCookie"
  /** A service key (`INTROSPECTION_KEYS`) as a bearer token. */
  | "serviceKey"
  /** `ADMIN_API_KEY` as a bearer token. */
  | "adminKey";

/** One success answer of a route. */
export interface SuccessDoc {
  description: string;
  /** The JSON body; none for 204, redirects and pages. */
  schema?: z.ZodType;
  /** Another media type than JSON (a page, NDJSON). */
  contentType?: string;
  /** Response headers worth naming (e.g. `Location`). */
  headers?: readonly string[];
}

/**
 * What the OpenAPI document says about one route (src/routes/openapi/document.ts).
 * Declared next to the route as its first middleware, `describeRoute({...})`; the
 * request body's schema is not repeated here: the document takes it from the
 * route's own validator (`jsonBody(...)`), the same object that validates it.
 */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** The README's sections: accounts, sessions, email, social, mfa, passkeys, admin, … */
  tag: string;
  /** Any one of these is enough; none = public. */
  security?: readonly Credential[];
  /** Query parameters (validated by the route, described here). */
  query?: z.ZodObject;
  /** Path parameters beyond plain strings (`:id` → a UUID). */
  params?: z.ZodObject;
  /** A body the route reads itself (NDJSON imports, forms) when no validator names one. */
  body?: { schema: z.ZodType; contentType: string };
  responses: Readonly<Record<number, SuccessDoc>>;
  /** Every error this route answers, from the catalogs (`authErrors.specs.invalid_credentials`). */
  errors: readonly ErrorSpec[];
  /**
   * Public codes another part answers through this route, whose catalog this
   * file may not import (a feature's refusal reaching a core route through a
   * seam, one feature's through another's): resolved against every catalog
   * when the document is built, which fails for a code no catalog has.
   */
  errorCodesOfOtherParts?: readonly string[];
  /** Limited per client: 429 `too_many_requests` with `Retry-After` and `RateLimit-*`. */
  limited?: boolean;
}

const ROUTE_DOC = Symbol("routeDoc");

export type DescribedMiddleware = MiddlewareHandler<AppEnv> & { [ROUTE_DOC]: RouteDoc };

/**
 * A route's entry in the OpenAPI document: a middleware that does nothing at
 * request time and carries the description for the document builder, which
 * finds it among the app's routes (a route without one fails
 * test/worker/openapi.test.ts).
 */
export function describeRoute(doc: RouteDoc): DescribedMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = (_c, next) => next();
  return Object.assign(middleware, { [ROUTE_DOC]: doc });
}

/** The description a handler carries, if it is one. */
export function routeDocOf(handler: unknown): RouteDoc | undefined {
  return typeof handler === "function" && ROUTE_DOC in handler
    ? (handler as DescribedMiddleware)[ROUTE_DOC]
    : undefined;
}
