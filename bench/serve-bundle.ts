// Builds the production bundle (`wrangler deploy --dry-run --outdir`) and serves
// it with `workerd serve` in one process (not `wrangler dev`, which runs two
// workerd processes and is much slower), with the real stack behind it.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForPort } from "../dev/stack/ports.ts";

export const root = fileURLToPath(new URL("..", import.meta.url));

export function buildBundle(outdir: string): string {
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    stdio: "ignore",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return path.join(outdir, "index.js");
}

function wranglerConfig(): {
  vars: Record<string, string>;
  compatibility_date: string;
  compatibility_flags: string[];
} {
  const text = readFileSync(path.join(root, "wrangler.jsonc"), "utf8").replace(/^\s*\/\/.*$/gm, "");
  return JSON.parse(text);
}

const capnpString = (s: string) => JSON.stringify(s);

/**
 * Serves the bundle with `workerd serve` from a generated config: one process,
 * the Worker on 127.0.0.1:PORT, outbound fetches allowed to loopback (the bridges).
 */
export async function serveBundle(
  scriptPath: string,
  bindings: Record<string, string>,
): Promise<{ url: string; workerdPid: number; dispose(): Promise<void> }> {
  const cfg = wranglerConfig();
  const dir = path.dirname(scriptPath);
  const port = await freePort();
  const modules = [`(name = "index.js", esModule = embed "index.js")`];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".wasm"))) {
    modules.push(`(name = ${capnpString(f)}, wasm = embed ${capnpString(f)})`);
  }
  const allBindings = Object.entries({ ...cfg.vars, ...bindings }).map(
    ([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`,
  );
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = ${capnpString(cfg.compatibility_date)},
  compatibilityFlags = [${cfg.compatibility_flags.map(capnpString).join(", ")}],
  bindings = [${allBindings.join(", ")}],
  globalOutbound = "net",
);
`;
  const configPath = path.join(dir, "workerd.capnp");
  writeFileSync(configPath, config, { mode: 0o600 });
  const child = spawn(workerdBinary(), ["serve", configPath, "--experimental"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitForPort("127.0.0.1", port);
  return {
    url: `http://127.0.0.1:${port}`,
    workerdPid: child.pid as number,
    dispose: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function workerdBinary(): string {
  return path.join(root, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd");
}

/** Resident set size of a process in MiB: current (VmRSS) and peak (VmHWM). */
export function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}
