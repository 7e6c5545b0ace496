// The dependency rules of src/ (docs/architecture.md), as CI checks them
// (scripts/check-architecture.ts): the tree as it is keeps them, and each rule
// catches the import it forbids.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkArchitecture,
  layerOf,
  packageViolation,
  violation,
} from "../../scripts/check-architecture.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe("src/", () => {
  it("keeps every dependency rule", () => {
    expect(checkArchitecture(root)).toEqual([]);
  });
});

describe("the layers", () => {
  it.each([
    ["src/composition-root.ts", "core", "shell"],
    ["src/feature.ts", "core", "wiring"],
    ["src/features/email/feature.ts", "email", "wiring"],
    ["src/features/audit/adapters/audit-head.ts", "audit", "wiring"],
    ["src/routes/accounts.ts", "core", "routes"],
    ["src/middleware/require-auth.ts", "core", "routes"],
    ["src/features/audit/routes.ts", "audit", "routes"],
    ["src/features/email/routes/pages.ts", "email", "routes"],
    ["src/adapters/postgres/user-store.ts", "core", "adapters"],
    ["src/features/legacy/adapters/legacy-store.ts", "legacy", "adapters"],
    ["src/auth/sign-in.ts", "core", "domain"],
    ["src/features/email/recovery.ts", "email", "domain"],
  ])("%s is the %s's %s", (file, owner, part) => {
    const layer = layerOf(file);
    expect(layer.owner === "core" ? "core" : layer.owner.feature).toBe(owner);
    expect(layer.part).toBe(part);
  });
});

describe("the rules", () => {
  it.each([
    [
      "src/auth/sign-in.ts",
      "src/features/email/verification-gate.ts",
      /core imports feature email/,
    ],
    ["src/routes/accounts.ts", "src/features/email/ports.ts", /core imports feature email/],
    [
      "src/features/legacy/exchange.ts",
      "src/features/email/recovery.ts",
      /feature legacy imports feature email/,
    ],
    ["src/auth/sessions.ts", "src/adapters/postgres/session-store.ts", /domain imports adapters/],
    ["src/auth/sessions.ts", "src/routes/token-response.ts", /domain imports routes/],
    ["src/features/email/recovery.ts", "src/feature.ts", /domain imports wiring/],
    ["src/features/email/recovery.ts", "src/composition-root.ts", /domain imports shell/],
    ["src/routes/accounts.ts", "src/adapters/postgres/user-store.ts", /routes imports adapters/],
    [
      "src/features/email/routes/pages.ts",
      "src/features/email/adapters/resend.ts",
      /routes imports adapters/,
    ],
    ["src/adapters/postgres/user-store.ts", "src/routes/fields.ts", /adapters imports routes/],
    ["src/adapters/redis/client.ts", "src/config.ts", /adapters imports shell/],
  ])("%s may not import %s", (from, to, why) => {
    expect(violation(from, to)).toMatch(why);
  });

  it.each([
    ["src/app.ts", "src/features/email/feature.ts"],
    ["src/features/email/feature.ts", "src/features/email/adapters/resend.ts"],
    ["src/features/email/feature.ts", "src/adapters/postgres/client.ts"],
    ["src/features/email/routes/credential-routes.ts", "src/routes/validate.ts"],
    ["src/features/email/recovery.ts", "src/auth/sessions.ts"],
    ["src/features/audit/adapters/audit-log.ts", "src/features/audit/adapters/audit-head.ts"],
    ["src/adapters/durable-objects/refresh-family.ts", "src/composition-root.ts"],
  ])("%s may import %s", (from, to) => {
    expect(violation(from, to)).toBeNull();
  });

  it("keeps Hono out of the domain, core's and features'", () => {
    expect(packageViolation("src/auth/sign-in.ts", "hono")).toMatch(/Hono/);
    expect(packageViolation("src/features/email/recovery.ts", "hono/factory")).toMatch(/Hono/);
    expect(packageViolation("src/routes/accounts.ts", "hono")).toBeNull();
    expect(packageViolation("src/auth/sign-in.ts", "zod")).toBeNull();
  });

  it("reads every import form in a file: named, type-only, re-export, side effect, dynamic, augmentation", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "architecture-"));
    mkdirSync(path.join(dir, "src/auth"), { recursive: true });
    const file = "src/auth/bad.ts";
    writeFileSync(
      path.join(dir, file),
      [
        'import { a } from "../features/x/a";',
        'import type { B } from "../adapters/b";',
        'export { c } from "../routes/c";',
        'import "../composition-root";',
        'const d = import("../features/y/d");',
        'declare module "../feature" {}',
        'import { Hono } from "hono";',
        'import { ok } from "./fine";',
      ].join("\n"),
    );
    expect(checkArchitecture(dir, [file]).map((p) => p.split(" → ")[1])).toEqual([
      "the core imports feature x",
      "domain imports adapters (src/adapters/b.ts)",
      "domain imports routes (src/routes/c.ts)",
      "domain imports shell (src/composition-root.ts)",
      "the core imports feature y",
      "domain imports wiring (src/feature.ts)",
      "domain code imports Hono",
    ]);
  });
});
