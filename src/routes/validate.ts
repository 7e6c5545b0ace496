import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../app-env";
import { invalidRequest } from "../errors";
import { readJson } from "./read-json";

/** What a validated route's handler reads with `c.req.valid("json")`. */
type JsonInput<T> = { in: { json: T }; out: { json: T } };

/** A body-validating middleware, carrying its schema so the routes' contract can be listed. */
export type BodyValidator<T> = MiddlewareHandler<AppEnv, string, JsonInput<T>> & {
  schema: z.ZodType;
  /** The media types it reads, for the OpenAPI document. */
  mediaTypes: readonly string[];
  /** False when the body may be absent (a request with credentials instead). */
  required: boolean;
};

const JSON_ONLY = ["application/json"] as const;

function validating<S extends z.ZodType, T = z.infer<S>>(
  schema: S,
  read: (c: Context) => Promise<T>,
  body: { mediaTypes: readonly string[]; required: boolean } = {
    mediaTypes: JSON_ONLY,
    required: true,
  },
): BodyValidator<T> {
  const middleware: MiddlewareHandler<AppEnv, string, JsonInput<T>> = async (c, next) => {
    c.req.addValidatedData("json", (await read(c)) as object);
    await next();
  };
  return Object.assign(middleware, { schema, ...body });
}

/**
 * A route's body, validated before its handler runs: read bounded (16 KiB),
 * parsed as JSON, checked against the route's zod schema (415, 413 and 400 as
 * in ./read-json.ts), and handed to the handler as `c.req.valid("json")`. The
 * schema stays on the middleware (`.schema`), so the routes' contract can be
 * listed (an OpenAPI document later).
 *
 * @example
 * .post("/v1/login", jsonBody(LoginBody), (c) => login(c.req.valid("json")))
 */
export function jsonBody<S extends z.ZodType>(schema: S): BodyValidator<z.infer<S>> {
  return validating(schema, (c) => readJson(c, schema));
}

/**
 * As jsonBody, but only for requests without credentials (a route that takes
 * either a bearer token or a body); the body is undefined for the others.
 */
export function jsonBodyWithoutBearer<S extends z.ZodType>(
  schema: S,
): BodyValidator<z.infer<S> | undefined> {
  return validating<S, z.infer<S> | undefined>(
    schema,
    async (c) => (c.req.header("authorization") ? undefined : readJson(c, schema)),
    { mediaTypes: JSON_ONLY, required: false },
  );
}

/** RFC 7662 §2.1 specifies a form body; JSON is accepted as well. */
export function formOrJsonBody<S extends z.ZodType>(
  schema: S,
  invalid: string,
): BodyValidator<z.infer<S>> {
  return validating(
    schema,
    async (c) => {
      if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header("content-type") ?? "")) {
        return readJson(c, schema);
      }
      const parsed = schema.safeParse(await c.req.parseBody());
      if (!parsed.success) throw invalidRequest(invalid);
      return parsed.data;
    },
    { mediaTypes: ["application/x-www-form-urlencoded", ...JSON_ONLY], required: true },
  );
}
