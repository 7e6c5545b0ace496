import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { CONSUMER_BUNDLE } from "./test/setup/bundle-consumer.ts";

// Two projects: "node" runs the dev tooling (protocol bridges, scripts, pure
// WASM drivers) in Node; "worker" runs the Worker inside workerd through
// Cloudflare's vitest integration, against the real stack started in global-setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: [
            "test/bridges/**/*.test.ts",
            "test/node/**/*.test.ts",
            "test/unit/**/*.test.ts",
          ],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          // Each file starts real dev servers (wrangler, workerd, PGlite, redis-server):
          // one file at a time on a 2-core machine.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.jsonc" },
            miniflare: {
              bindings: inject("workerBindings"),
              // The example consumer runs beside the Worker under test and binds back
              // to its AuthService entrypoint, as it would in production. Its bundle
              // is built by the global setup (test/setup/bundle-consumer.ts).
              serviceBindings: { CONSUMER: "consumer" },
              workers: [
                {
                  name: "consumer",
                  modules: true,
                  scriptPath: `./${CONSUMER_BUNDLE}`,
                  compatibilityDate: "2026-08-15",
                  serviceBindings: {
                    AUTH: { name: "vitest-plugin-runner-worker", entrypoint: "AuthService" },
                  },
                },
              ],
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          // Background work (the mail queue consumer, waitUntil tasks, Durable Objects)
          // logs from another I/O context than the test's. Intercepted, such a line is
          // parked until the runner's next message, and if that lands during a file's
          // last round trip the run never finishes (cloudflare/workers-sdk#15719; the
          // plugin release with the fix needs a wrangler whose lockfile npm ci rejects
          // here). Not intercepting sends the lines straight to workerd's stdout.
          disableConsoleIntercept: true,
          globalSetup: ["test/setup/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
