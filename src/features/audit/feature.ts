import { createDb } from "../../adapters/postgres/client";
import { metricOfAuditEvent } from "../../auth/metric-points";
import type { Config } from "../../core-config";
import type { Feature } from "../../feature";
import { recentEventFacts } from "./account-facts";
import { createAuditLog } from "./adapters/audit-log";
import { exportAudit } from "./adapters/export";
import { recentForUser } from "./adapters/postgres-store";
import { displacedChains, unknownChains, verifyStoredAudit } from "./adapters/stored-trail";
import { type BatchOutcome, writeAuditBatch } from "./adapters/write-batch";
import type { AuditRow } from "./chain";
import { auditConfig } from "./config";
import { auditErrors } from "./errors";
import type { AuditTrail } from "./ports";
import { auditRoutes } from "./routes";
import { shardChains } from "./shard";

/**
 * The tamper-evident audit trail (docs/audit.md): HMAC-chained records kept by
 * one Durable Object per chain and written to Postgres. It implements the
 * core's AuditLog port, serves the operators' routes, and reports a displaced
 * row to `/ready` (advisory).
 */
export const auditFeature: Feature = {
  name: "audit",
  config: auditConfig,
  auditEvents: [],
  errors: [auditErrors],
  routes: auditRoutes,
  services: {
    audit: ({ config, env, scope, services }) =>
      createAuditLog(env.AUDIT_HEAD, {
        // Every auth event is also a data point (docs/operations.md).
        observe: (event) => services.metrics.record(metricOfAuditEvent(event)),
        waitUntil: (p) => scope.waitUntil(p),
        requestId: scope.requestId,
        ip: scope.ip,
        userAgent: scope.userAgent,
        shards: config.audit.shards,
      }),
    auditTrail: ({ config, env, db }): AuditTrail => {
      const deps = { db: db(), heads: env.AUDIT_HEAD, keys: config.audit.keys };
      return {
        verify: (chains) => verifyStoredAudit(deps, chains),
        export: (chains, now) => exportAudit(deps, chains, now),
        unknownChains: (chains) => unknownChains(deps, chains),
        recentFor: (userId, limit) => recentForUser(deps.db, userId, limit),
      };
    },
  },
  accountFacts: ({ services }) => recentEventFacts(services.auditTrail),
  // Advisory: anyone with INSERT on audit_events can plant a row that halts a
  // head's flush, and must not be able to take the service out of rotation by
  // doing so (docs/audit.md, "Operating it").
  probes: ({ config, env }) => [
    {
      name: "audit",
      advisory: true,
      check: async () => {
        const found = await displacedChains(env.AUDIT_HEAD, shardChains(config.audit.shards));
        return found.length > 0 ? "conflict" : undefined;
      },
    },
  ],
};

/** Where a chain head (the Durable Object) writes its rows: AUDIT_DATABASE_URL, else DATABASE_URL. */
export function createAuditHeadStore(config: Config): {
  writeBatch(rows: AuditRow[]): Promise<BatchOutcome>;
} {
  const db = createDb({ ...config, databaseUrl: config.audit.databaseUrl });
  return { writeBatch: (rows) => writeAuditBatch(db, rows) };
}
