/**
 * Structured log lines: one JSON object per line, which Workers Logs indexes
 * (`observability` is on in wrangler.jsonc). A line carries ids, kinds, counts
 * and error class names only: never an error's message (driver messages can
 * quote SQL parameters), a token, a password, a hash or an email address.
 */
export type LogLevel = "info" | "warn" | "error";

export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ ...fields, level, msg });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** The class name of a thrown value (never its message), for a line's `error` field. */
export function errorName(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}
