// Starts the real stack once for the workerd test project (see dev/test-stack.ts)
// and hands its bindings to the Worker under test.
import type { TestProject } from "vitest/node";
import { spawnTestStack } from "../../dev/stack/spawn-test-stack.ts";
import { ensureWasm } from "../../scripts/extract-wasm.ts";
import { bundleConsumer } from "./bundle-consumer.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureWasm(process.cwd());
  await bundleConsumer(process.cwd());
  const stack = await spawnTestStack();
  project.provide("databaseUrl", stack.databaseUrl);
  project.provide("redisUrl", stack.redisUrl);
  project.provide("outage", stack.outage);
  project.provide("auditPostgresControlUrl", stack.auditPostgresControlUrl);
  project.provide("oauthProviders", stack.oauthProviders);
  project.provide("workerBindings", {
    ...stack.bindings,
    // The flow tests hash many passwords, so they use RFC 9106 §4's second
    // recommended (low-memory) setting; the production defaults are exercised by
    // the argon2 tests and measured by the benchmarks.
    ARGON2_MEMORY_KIB: "19456",
    ARGON2_ITERATIONS: "2",
    ARGON2_PARALLELISM: "1",
    ALLOWED_ORIGINS: "https://app.example.test",
    INTROSPECTION_KEYS: `svc1:${"s".repeat(40)}`,
    ADMIN_API_KEY: "a".repeat(48),
    // Legacy sessions are exchangeable from the start of the run (window: 45 days).
    LEGACY_CUTOVER_AT: new Date().toISOString(),
  });
  return stack.stop;
}
