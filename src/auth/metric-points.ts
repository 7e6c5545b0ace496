import type { AuditEvent, MetricPoint } from "../ports";

/** Details that say how an event came about, in order of preference. */
const METHOD_KEYS = ["grant", "method", "provider"] as const;

/** A detail value fit for a dashboard label: a short code, never free text. */
const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

function codeOf(value: unknown): string | undefined {
  return typeof value === "string" && CODE.test(value) ? value : undefined;
}

/**
 * The data point of an audit event: its type, how (the sign-in method of
 * `token_issued`, the provider of a social sign-in, the second factor) and
 * why (a refusal's reason code). The user, the session and the request stay
 * in the audit trail; a dashboard counts, it does not name anyone.
 */
export function metricOfAuditEvent(event: AuditEvent): MetricPoint {
  const method = METHOD_KEYS.map((k) => codeOf(event.details[k])).find((v) => v !== undefined);
  const reason = codeOf(event.details.reason);
  return {
    event: event.type,
    ...(method === undefined ? {} : { method }),
    ...(reason === undefined ? {} : { reason }),
  };
}
