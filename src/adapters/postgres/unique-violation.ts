/**
 * Whether an error is Postgres's unique violation (SQLSTATE 23505), however
 * the driver or drizzle wrapped it (the code sits on the error or a cause).
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
