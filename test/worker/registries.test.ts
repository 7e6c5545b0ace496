// The central registries that features contribute to (docs/architecture.md):
// what each feature declares is consistent with the others, with the
// configuration loader's list, and with what the docs and wrangler.jsonc say.
// In workerd, where the whole Worker loads; the files come in as raw text.
import { describe, expect, it } from "vitest";
import auditDoc from "../../docs/audit.md?raw";
import readme from "../../README.md?raw";
import { authErrors } from "../../src/auth/errors";
import { configParts, configVariables } from "../../src/config";
import { coreConfigPart } from "../../src/core-config";
import { httpErrors } from "../../src/errors";
import { features } from "../../src/features";
import wranglerConfig from "../../wrangler.jsonc?raw";

/** The core's audit events (src/ports.ts, AuditEventRegistry). */
const CORE_EVENTS = [
  "register",
  "login_succeeded",
  "login_failed",
  "token_issued",
  "token_refreshed",
  "refresh_grace_retry",
  "refresh_reuse_detected",
  "family_revoked",
  "logout",
  "logout_all",
  "hash_upgraded",
  "admin_key_used",
  "account_disabled",
  "account_enabled",
  "password_reset_forced",
  "account_deleted",
  "accounts_searched",
  "account_viewed",
];

describe("the feature registry", () => {
  it("names each feature once, and src/config.ts lists the same config parts in the same order", () => {
    const names = features.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(configParts).toEqual(features.map((f) => f.config));
  });

  it("gives every rate-limit bucket exactly one variable, and that variable is read", () => {
    const variables = new Set(configVariables().map((v) => v.name));
    const buckets = [coreConfigPart, ...configParts].flatMap((p) => Object.entries(p.limits ?? {}));
    expect(new Set(buckets.map(([b]) => b)).size).toBe(buckets.length);
    for (const [, variable] of buckets) expect(variables).toContain(variable);
  });

  it("declares each audit event once, and docs/audit.md describes exactly those", () => {
    const all = [...CORE_EVENTS, ...features.flatMap((f) => f.auditEvents)];
    expect(new Set(all).size).toBe(all.length);
    const doc = auditDoc;
    const start = doc.indexOf("| type | `user_id` |");
    const table = doc.slice(start, doc.indexOf("\n\n", start));
    const documented = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...all].sort());
  });

  it("documents every public error code with its statuses in the README, and no other", () => {
    const catalogs = [httpErrors, authErrors, ...features.flatMap((f) => f.errors)];
    const statuses = new Map<string, Set<number>>();
    for (const spec of catalogs.flatMap((c) => Object.values(c.specs))) {
      statuses.set(spec.code, (statuses.get(spec.code) ?? new Set()).add(spec.status));
    }
    const table = new Map(
      [...readme.matchAll(/^\| `([a-z_]+)` \| ([\d, ]+) \|/gm)].map((m) => [
        m[1] as string,
        new Set((m[2] as string).split(",").map((s) => Number(s.trim()))),
      ]),
    );
    expect(new Map([...table].sort())).toEqual(new Map([...statuses].sort()));
  });

  it("has one handler per mail job kind", () => {
    const kinds = features.flatMap((f) => (f.mailJobs ?? []).map((h) => h.kind));
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it("consumes every queue wrangler.jsonc binds, and only those", () => {
    const consumed = features.flatMap((f) => Object.keys(f.queues ?? {}));
    const bound = [...wranglerConfig.matchAll(/\{\s*"queue": "([^"]+)"/g)].map((m) => m[1]);
    expect(consumed.sort()).toEqual(bound.sort());
  });
});
