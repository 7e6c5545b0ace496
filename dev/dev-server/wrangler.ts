// `wrangler dev` as a child of the dev server. Started through wrangler's own
// bin script with this Node (22, from npm run's PATH), not through `npx`: npx
// runs it under `sh -c`, and a signal sent to that shell never reaches wrangler
// (the shell waits for its child first), so Ctrl-C left workerd running.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { writeEnvFile } from "./env-file.ts";

export interface WranglerDev {
  child: ChildProcess;
  /** Resolves with wrangler's exit code once it has exited. */
  exited: Promise<number>;
  /** Asks wrangler to stop (it stops workerd), and kills it if it has not after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const wranglerBin = () =>
  path.join(
    path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
    "bin",
    "wrangler.js",
  );

export function startWranglerDev(opts: {
  root: string;
  port: string;
  persistTo: string;
  vars: Record<string, string>;
  /** Where the vars are written for wrangler (owner-only; removed when wrangler exits). */
  envFile: string;
}): WranglerDev {
  // With --env-file, wrangler reads that file instead of .dev.vars; the vars
  // already hold .dev.vars' values (worker-vars.ts decides which source wins).
  writeEnvFile(opts.envFile, opts.vars);
  const args = [
    wranglerBin(),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    opts.port,
    "--persist-to",
    opts.persistTo,
    "--show-interactive-dev-session=false",
    "--env-file",
    opts.envFile,
  ];
  const child = spawn(process.execPath, args, {
    cwd: opts.root,
    stdio: "inherit",
    // Offline-friendly: no telemetry or update checks against the network.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_UPDATE_CHECK: "false" },
  });
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  // Never outlive the dev server, whatever way it exits.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", killOnExit);
  void exited.then(() => {
    process.removeListener("exit", killOnExit);
    rmSync(opts.envFile, { force: true });
  });
  return {
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // wrangler's bin script passes SIGTERM on to wrangler, which stops workerd.
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
