// `npm run bench:login`: only the login phase of `npm run bench` (peak RSS in
// bursts of 16 concurrent logins, unknown-email vs wrong-password timing), with
// its own stack and one workerd process serving the production bundle.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../dev/stack/ports.ts";
import { spawnTestStack } from "../dev/stack/spawn-test-stack.ts";
import { benchVars } from "./limits.ts";
import { resultsJson } from "./load/stats.ts";
import { loginMemoryPhase } from "./phases/login-memory.ts";
import { plan } from "./plan.ts";
import { buildBundle, readWranglerConfig, root, serveWorkers } from "./serve-bundle.ts";
import { mainWorker } from "./workers.ts";

const date = new Date().toISOString();
const workDir = path.join(root, "bench", ".tmp", `login-${date.replace(/[:.]/g, "-")}`);
mkdirSync(workDir, { recursive: true });
const cfg = readWranglerConfig();
const bundle = buildBundle(path.join(workDir, "dist"));
const stack = await spawnTestStack();
try {
  const { vars, deviations } = benchVars(cfg.vars ?? {}, plan);
  const inspectorPort = await freePort();
  const server = await serveWorkers(
    [mainWorker(bundle.dir, cfg, { ...vars, ...stack.bindings })],
    workDir,
    { inspectorPort },
  );
  try {
    const result = {
      benchmark: "login",
      date,
      argon2: {
        memoryKiB: Number(cfg.vars?.ARGON2_MEMORY_KIB),
        iterations: Number(cfg.vars?.ARGON2_ITERATIONS),
        parallelism: Number(cfg.vars?.ARGON2_PARALLELISM),
      },
      deviations,
      ...(await loginMemoryPhase(
        { url: server.urls.main as string, workerdPid: server.workerdPid, inspectorPort },
        plan,
      )),
    };
    process.stdout.write(resultsJson(result));
    const file = path.join(root, "bench", "results", `login-${date.slice(0, 10)}.json`);
    writeFileSync(file, resultsJson(result));
  } finally {
    await server.dispose();
  }
} finally {
  await stack.stop();
  rmSync(workDir, { recursive: true, force: true });
}
