import type { z } from "zod";

/**
 * A JSON value read back from Redis (the Upstash client may hand it over
 * parsed or as a string), checked against its schema: anything malformed is
 * treated as absent rather than trusted.
 */
export function parseStored<T>(raw: unknown, schema: z.ZodType<T>): T | null {
  if (raw === null || raw === undefined) return null;
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
