import type { Context } from "hono";
import type { z } from "zod";
import { httpErrors, invalidRequest } from "../errors";
import { fromUtf8 } from "../utf8";
import { readBounded, tooLarge } from "./read-body";

/** Request bodies are small JSON objects; anything larger is refused (413) before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads and validates a JSON body: 415 for another media type, 413 when too
 * large, 400 for bad JSON or a schema violation (naming the field, never
 * echoing its value). Unknown fields are ignored.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw httpErrors.error("unsupported_media_type");
  }
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge(MAX_BODY_BYTES);
  const text = fromUtf8(await readBounded(c.req.raw.body, MAX_BODY_BYTES));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidRequest("body is not valid JSON");
  }
  return parseOrRefuse(schema, body, "body");
}

/**
 * A value checked against its schema, or 400 `invalid_request` naming the
 * first field at fault (`whole` when the value itself is).
 */
export function parseOrRefuse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  whole: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || whole;
    throw invalidRequest(`${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
