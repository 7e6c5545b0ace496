import { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { type ErrorCatalog, type ErrorSpec, httpErrors } from "../../errors";
import { type RouteDoc, routeDocOf } from "./route-doc";

/** A route as Hono lists it (`app.routes`): one entry per handler, middleware included. */
export interface ListedRoute {
  method: string;
  path: string;
  handler: unknown;
}

/** What the document says about the service as a whole. */
export interface DocumentInfo {
  title: string;
  version: string;
  serverUrl: string;
}

/** What a route's request-body validator carries (src/routes/validate.ts). */
interface BodyValidatorLike {
  schema: z.ZodType;
  mediaTypes: readonly string[];
  required: boolean;
}

function validatorOf(handler: unknown): BodyValidatorLike | undefined {
  if (typeof handler !== "function") return undefined;
  const h = handler as Partial<BodyValidatorLike>;
  return h.schema instanceof z.ZodType && Array.isArray(h.mediaTypes)
    ? (h as BodyValidatorLike)
    : undefined;
}

/** Every error the service may answer on any route (a dependency down, the configuration). */
const EVERY_ROUTE: readonly ErrorSpec[] = [
  httpErrors.specs.temporarily_unavailable,
  httpErrors.specs.server_misconfigured,
];

/** What reading a body adds (src/routes/read-json.ts). */
const WITH_BODY: readonly ErrorSpec[] = [
  httpErrors.specs.invalid_request,
  httpErrors.specs.payload_too_large,
  httpErrors.specs.unsupported_media_type,
];

const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": { description: "requests allowed in the window", schema: { type: "integer" } },
  "RateLimit-Remaining": {
    description: "requests left in the window",
    schema: { type: "integer" },
  },
  "RateLimit-Reset": {
    description: "seconds until the window resets",
    schema: { type: "integer" },
  },
} as const;

/** Hono's `/v1/x/:id` as OpenAPI's `/v1/x/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);

/** The error body (`{error, error_description?}`) for one status: exactly these codes. */
function errorBody(codes: readonly string[]) {
  const [first, ...rest] = [...new Set(codes)].sort();
  return z.strictObject({
    error: z.enum([first as string, ...rest]),
    error_description: z.string().optional(),
  });
}

function errorResponses(specs: readonly ErrorSpec[], limited: boolean) {
  const byStatus = new Map<number, string[]>();
  for (const spec of specs)
    byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), spec.code]);
  const out: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: [...new Set(codes)].sort().join(", "),
      ...(status === 429 || status === 503
        ? {
            headers: {
              "Retry-After": { description: "seconds to wait", schema: { type: "integer" } },
              ...(status === 429 && limited ? RATE_LIMIT_HEADERS : {}),
            },
          }
        : {}),
      content: { "application/json": { schema: errorBody(codes) } },
    };
  }
  return out;
}

function successResponses(doc: RouteDoc, limited: boolean) {
  const out: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    const headers: Record<string, unknown> = limited ? { ...RATE_LIMIT_HEADERS } : {};
    for (const h of r.headers ?? []) headers[h] = { schema: { type: "string" } };
    out[status] = {
      description: r.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(r.schema
        ? { content: { [r.contentType ?? "application/json"]: { schema: r.schema } } }
        : r.contentType
          ? { content: { [r.contentType]: { schema: z.string() } } }
          : {}),
    };
  }
  return out;
}

interface ResponseEntry {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: z.ZodType }>;
}

/**
 * A status both a success and errors use (`/ready` answers 503 with its own
 * body, and any route 503 `temporarily_unavailable`): one entry whose JSON
 * schema accepts either.
 */
function mergeResponses(
  success: Record<string, unknown>,
  errors: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...errors, ...success };
  for (const status of Object.keys(success)) {
    const ok = success[status] as ResponseEntry;
    const err = errors[status] as ResponseEntry | undefined;
    const okJson = ok.content?.["application/json"]?.schema;
    const errJson = err?.content?.["application/json"]?.schema;
    if (!err || !okJson || !errJson) continue;
    out[status] = {
      description: `${ok.description}; or ${err.description}`,
      headers: { ...err.headers, ...ok.headers },
      content: { ...ok.content, "application/json": { schema: z.union([okJson, errJson]) } },
    };
  }
  return out;
}

const SECURITY_SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An access token (RFC 6750); PASETO v4.public when ACCESS_TOKEN_FORMAT=paseto",
  },
  refreshCookie: {
    type: "apiKey",
    in: "cookie",
    name: "__Host-refresh",
    description: "Cookie mode: the refresh token as an HttpOnly cookie, with an allowed Origin",
  },
  serviceKey: {
    type: "http",
    scheme: "bearer",
    description: "A service key from INTROSPECTION_KEYS",
  },
  adminKey: {
    type: "http",
    scheme: "bearer",
    description: "ADMIN_API_KEY (scripts); people use their access token and roles instead",
  },
} as const;

/**
 * The OpenAPI 3.1 document of every route that carries a description
 * (`describeRoute`), generated with @hono/zod-openapi from the routes' own zod
 * schemas: a request body is the very schema its validator checks. Each route
 * lists its errors from the catalogs, so every status it may answer and every
 * code under it are in the document (the contract test holds the suite's
 * responses to them).
 */
export function buildOpenApiDocument(
  routes: readonly ListedRoute[],
  info: DocumentInfo,
  catalogs: readonly ErrorCatalog[],
) {
  const specsOfCode = (code: string): ErrorSpec[] => {
    const found = catalogs.flatMap((c) => Object.values(c.specs).filter((s) => s.code === code));
    if (found.length === 0) throw new Error(`no error catalog has the code ${code}`);
    return found;
  };
  const generator = new OpenAPIHono();
  const registry = generator.openAPIRegistry;
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) {
    registry.registerComponent("securitySchemes", name, { ...scheme });
  }
  const byOperation = new Map<string, ListedRoute[]>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    byOperation.set(key, [...(byOperation.get(key) ?? []), route]);
  }
  for (const handlers of byOperation.values()) {
    const { method, path } = handlers[0] as ListedRoute;
    const doc = handlers.map((h) => routeDocOf(h.handler)).find((d) => d !== undefined);
    if (!doc) continue;
    const validator = handlers.map((h) => validatorOf(h.handler)).find((v) => v !== undefined);
    const body = validator
      ? {
          required: validator.required,
          content: Object.fromEntries(
            validator.mediaTypes.map((t) => [t, { schema: validator.schema }]),
          ),
        }
      : doc.body
        ? { required: true, content: { [doc.body.contentType]: { schema: doc.body.schema } } }
        : undefined;
    const limited = doc.limited === true;
    const errors = [
      ...doc.errors,
      ...(doc.errorCodesOfOtherParts ?? []).flatMap(specsOfCode),
      ...EVERY_ROUTE,
      ...(body ? WITH_BODY : doc.query ? [httpErrors.specs.invalid_request] : []),
      ...(limited ? [httpErrors.specs.too_many_requests] : []),
    ];
    const names = paramNames(path);
    const params =
      doc.params ??
      (names.length > 0
        ? z.object(Object.fromEntries(names.map((n) => [n as string, z.string()])))
        : undefined);
    registry.registerPath({
      method: method.toLowerCase() as "get",
      path: openApiPath(path),
      tags: [doc.tag],
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      security: (doc.security ?? []).map((s) => ({ [s]: [] })),
      request: {
        ...(params ? { params } : {}),
        ...(doc.query ? { query: doc.query } : {}),
        ...(body ? { body } : {}),
      },
      responses: mergeResponses(successResponses(doc, limited), errorResponses(errors, limited)),
    } as Parameters<typeof registry.registerPath>[0]);
  }
  return generator.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: info.title, version: info.version },
    servers: [{ url: info.serverUrl }],
  });
}

/** Routes (method and path) that answer requests but carry no description. */
export function undescribedRoutes(routes: readonly ListedRoute[]): string[] {
  const described = new Set<string>();
  const all = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL") continue;
    const key = `${route.method} ${route.path}`;
    all.add(key);
    if (routeDocOf(route.handler)) described.add(key);
  }
  return [...all].filter((k) => !described.has(k)).sort();
}
