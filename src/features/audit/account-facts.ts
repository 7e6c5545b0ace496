import type { AccountFactsSource } from "../../auth/account-facts";
import type { AuditTrail } from "./ports";

/** How many of an account's events its admin view shows. */
const RECENT_EVENTS = 20;

/** The admin's view of an account: its newest audit events (ids and reason codes only). */
export function recentEventFacts(trail: AuditTrail): AccountFactsSource {
  return {
    section: "recent_events",
    async factsFor(userId) {
      return (await trail.recentFor(userId, RECENT_EVENTS)).map((e) => ({
        at: new Date(e.at).toISOString(),
        type: e.type,
        details: e.details,
        ip: e.ip,
        request_id: e.request_id,
      }));
    },
  };
}
