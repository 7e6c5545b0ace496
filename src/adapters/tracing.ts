import { tracing } from "cloudflare:workers";

/**
 * A custom trace span around `work` (observability.traces in wrangler.jsonc;
 * Cloudflare's custom spans API), for time the platform's automatic spans do
 * not show: CPU work such as argon2id, and waiting for it. Where tracing is
 * absent (an older runtime), the work simply runs.
 */
export function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: () => Promise<T>,
): Promise<T> {
  if (typeof tracing?.enterSpan !== "function") return work();
  return tracing.enterSpan(name, (span) => {
    span.setAttributes(attributes);
    return work();
  });
}
