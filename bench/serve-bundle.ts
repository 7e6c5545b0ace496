// Builds Worker bundles (`wrangler deploy --dry-run --outdir`) and serves them with
// `workerd serve` in one process (not `wrangler dev`, which runs two workerd
// processes and is much slower), with the real stack behind them.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, waitForPort } from "../dev/stack/ports.ts";

export const root = fileURLToPath(new URL("..", import.meta.url));

export interface Bundle {
  /** Directory holding the bundle (one `.js`) and the `.wasm` modules it imports. */
  dir: string;
  /** What wrangler printed as the upload size, e.g. "1601.07 KiB / gzip: 305.53 KiB". */
  uploadSize: string | undefined;
}

/** `wrangler deploy --dry-run --outdir`: exactly what a deploy would upload. */
export function buildBundle(
  outdir: string,
  configPath = path.join(root, "wrangler.jsonc"),
  extraArgs: string[] = [],
): Bundle {
  let out: string;
  try {
    out = execFileSync(
      "npx",
      ["wrangler", "deploy", "--dry-run", "--outdir", outdir, "--config", configPath, ...extraArgs],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", FORCE_COLOR: "0" },
      },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(
      `wrangler build of ${configPath} failed:\n${e.stderr ?? ""}${e.stdout ?? ""}`.slice(0, 4000),
    );
  }
  return { dir: outdir, uploadSize: /Total Upload:\s*([^\n]+)/.exec(out)?.[1]?.trim() };
}

export interface WranglerConfig {
  main: string;
  queues?: { producers?: Array<{ binding: string; queue: string }> };
  vars?: Record<string, string>;
  compatibility_date: string;
  compatibility_flags?: string[];
  durable_objects?: { bindings: Array<{ name: string; class_name: string }> };
  migrations?: Array<{ new_sqlite_classes?: string[]; new_classes?: string[] }>;
}

/** Reads a wrangler.jsonc (whole-line comments only, as in this repository). */
export function readWranglerConfig(file = path.join(root, "wrangler.jsonc")): WranglerConfig {
  return JSON.parse(readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, ""));
}

export interface DurableObjectSpec {
  binding: string;
  className: string;
  /** SQLite-backed (`new_sqlite_classes`): the `storage.sql` API is on. */
  sql: boolean;
}

/** Every Durable Object binding of a wrangler config, read at build time. */
export function durableObjectsOf(cfg: WranglerConfig): DurableObjectSpec[] {
  const sqlClasses = new Set((cfg.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  return (cfg.durable_objects?.bindings ?? []).map((b) => ({
    binding: b.name,
    className: b.class_name,
    sql: sqlClasses.has(b.class_name),
  }));
}

export interface WorkerSpec {
  /** Service name in the workerd config (other workers bind to it by this name). */
  name: string;
  /** A bundle directory (one .js + *.wasm) or a single ES module file. */
  source: string;
  compatibilityDate: string;
  compatibilityFlags?: string[];
  /** Text bindings (vars and secrets alike; workerd does not distinguish them). */
  text?: Record<string, string>;
  /** Service bindings: binding name → another worker's service name and entrypoint. */
  services?: Record<string, { service: string; entrypoint?: string }>;
  durableObjects?: DurableObjectSpec[];
  /**
   * Queue producer bindings. workerd turns `send()` into HTTP requests to a
   * service; here that is a sink that accepts and drops every message (the
   * consumers are not part of any measured path).
   */
  queues?: string[];
  /** Bindings to another worker's Durable Object class (workerd's `serviceName`). */
  foreignDurableObjects?: Array<{ binding: string; className: string; service: string }>;
  /** Listen on its own 127.0.0.1 port. */
  listen?: boolean;
}

export interface Served {
  /** Base URL per listening worker. */
  urls: Record<string, string>;
  workerdPid: number;
  configPath: string;
  /** workerd's standard output, when served with `v8Flags` (V8's traces print there). */
  stdout?: NodeJS.ReadableStream;
  dispose(): Promise<void>;
}

const capnp = (s: string) => JSON.stringify(s);

// Like Miniflare's queue broker without a consumer: read the body (workerd aborts a
// send whose body is left unread) and answer the send metadata workerd requires.
const QUEUE_SINK = `export default { async fetch(r) { await r.arrayBuffer();
  return Response.json({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: 0 } } }); } };`;

// SQLite files on local disk: production stores objects durably too (and workerd's
// inMemory storage fails the refresh family's alarms).
const DO_STORAGE = '(localDisk = "do-disk")';

export interface WorkerdConfig {
  configPath: string;
  /** Port per listening worker. */
  ports: Record<string, number>;
}

/**
 * Writes a workerd config for these workers: one process, each listening worker
 * on its own 127.0.0.1 port, outbound fetches allowed to loopback (the
 * bridges), Durable Objects on local disk (SQLite, as in production).
 */
export async function writeWorkerdConfig(
  workers: WorkerSpec[],
  workDir: string,
  doStorageDir = path.join(workDir, "do-storage"),
  v8Flags: string[] = [],
): Promise<WorkerdConfig> {
  mkdirSync(workDir, { recursive: true });
  const doDir = doStorageDir;
  mkdirSync(doDir, { recursive: true });
  const ports: Record<string, number> = {};
  const services: string[] = [];
  const sockets: string[] = [];
  const definitions: string[] = [];
  for (const [i, w] of workers.entries()) {
    const ident = `w${i}`;
    const modules = stageModules(w, path.join(workDir, w.name));
    const bindings = [
      ...Object.entries(w.text ?? {}).map(([k, v]) => `(name = ${capnp(k)}, text = ${capnp(v)})`),
      ...Object.entries(w.services ?? {}).map(
        ([k, s]) =>
          `(name = ${capnp(k)}, service = (name = ${capnp(s.service)}${
            s.entrypoint ? `, entrypoint = ${capnp(s.entrypoint)}` : ""
          }))`,
      ),
      ...(w.durableObjects ?? []).map(
        (d) => `(name = ${capnp(d.binding)}, durableObjectNamespace = ${capnp(d.className)})`,
      ),
      ...(w.queues ?? []).map((q) => `(name = ${capnp(q)}, queue = "queue-sink")`),
      ...(w.foreignDurableObjects ?? []).map(
        (d) =>
          `(name = ${capnp(d.binding)}, durableObjectNamespace = (className = ${capnp(d.className)}, serviceName = ${capnp(d.service)}))`,
      ),
    ];
    const dos = w.durableObjects ?? [];
    const doConfig = dos.length
      ? `durableObjectNamespaces = [${dos
          .map(
            (d) =>
              `(className = ${capnp(d.className)}, uniqueKey = ${capnp(`bench-${w.name}-${d.className}`)}, enableSql = ${d.sql})`,
          )
          .join(", ")}],
  durableObjectStorage = ${DO_STORAGE},`
      : "";
    definitions.push(`const ${ident} :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = ${capnp(w.compatibilityDate)},
  compatibilityFlags = [${(w.compatibilityFlags ?? []).map(capnp).join(", ")}],
  bindings = [${bindings.join(", ")}],
  ${doConfig}
  globalOutbound = "net",
);`);
    services.push(`(name = ${capnp(w.name)}, worker = .${ident})`);
    if (w.listen) {
      const port = await freePort();
      ports[w.name] = port;
      sockets.push(
        `(name = ${capnp(`http-${w.name}`)}, address = "127.0.0.1:${port}", http = (), service = ${capnp(w.name)})`,
      );
    }
  }
  if (workers.some((w) => w.queues?.length)) {
    services.push(`(name = "queue-sink", worker = .queueSink)`);
    definitions.push(`const queueSink :Workerd.Worker = (
  modules = [(name = "sink.js", esModule = ${capnp(QUEUE_SINK)})],
  compatibilityDate = ${capnp(workers[0]?.compatibilityDate ?? "2026-08-15")},
);`);
  }
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    ${services.join(",\n    ")},
    (name = "net", network = (allow = ["public", "private", "local"])),
    (name = "do-disk", disk = (path = ${capnp(doDir)}, writable = true)),
  ],
  sockets = [${sockets.join(", ")}],${v8Flags.length ? `\n  v8Flags = [${v8Flags.map(capnp).join(", ")}],` : ""}
);
${definitions.join("\n")}
`;
  const configPath = path.join(workDir, "workerd.capnp");
  writeFileSync(configPath, config, { mode: 0o600 });
  return { configPath, ports };
}

// Every workerd this process started: killed when it exits, however it exits,
// so a failed run never leaves a server behind.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `workerd serve` on a written config (optionally under `taskset -c cpuList`,
 * and with the DevTools inspector on 127.0.0.1:`inspectorPort` for bench/profile.ts).
 */
export function spawnWorkerd(
  configPath: string,
  cpuList?: string,
  inspectorPort?: number,
  pipeStdout = false,
): ChildProcess {
  const args = ["serve", configPath, "--experimental"];
  if (inspectorPort) args.push(`--inspector-addr=127.0.0.1:${inspectorPort}`);
  const stdio: ["ignore", "ignore" | "pipe", "inherit"] = [
    "ignore",
    pipeStdout ? "pipe" : "ignore",
    "inherit",
  ];
  // taskset execs workerd in place, so the child's pid is workerd's either way.
  const child = cpuList
    ? spawn("taskset", ["-c", cpuList, workerdBinary(), ...args], { stdio })
    : spawn(workerdBinary(), args, { stdio });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Writes the config, starts workerd and waits until every listening worker accepts connections. */
export async function serveWorkers(
  workers: WorkerSpec[],
  workDir: string,
  opts: {
    cpuList?: string;
    /**
     * Durable Object storage to reuse. Processes that share one database must
     * share it too, one after the other: a fresh audit head would restart its
     * chain at seq 1 and collide with the rows an earlier process flushed.
     */
    doStorageDir?: string;
    /** Enable workerd's inspector (Chrome DevTools Protocol) on this 127.0.0.1 port. */
    inspectorPort?: number;
    /**
     * V8 flags for the whole process (diagnostics only: a Worker on Cloudflare
     * cannot set them). workerd's stdout, where V8 prints its traces, is then
     * handed back as `Served.stdout`.
     */
    v8Flags?: string[];
  } = {},
): Promise<Served> {
  const { configPath, ports } = await writeWorkerdConfig(
    workers,
    workDir,
    opts.doStorageDir,
    opts.v8Flags,
  );
  const traced = (opts.v8Flags?.length ?? 0) > 0;
  const child = spawnWorkerd(configPath, opts.cpuList, opts.inspectorPort, traced);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    for (const port of Object.values(ports)) await waitForPort("127.0.0.1", port);
    if (opts.inspectorPort) await waitForPort("127.0.0.1", opts.inspectorPort);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    urls: Object.fromEntries(
      Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`]),
    ),
    workerdPid: child.pid as number,
    configPath,
    stdout: traced ? (child.stdout ?? undefined) : undefined,
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Copies a worker's modules next to the config (capnp `embed` paths are relative to it). */
function stageModules(w: WorkerSpec, dest: string): string[] {
  mkdirSync(dest, { recursive: true });
  const rel = (f: string) => capnp(`${w.name}/${f}`);
  if (w.source.endsWith(".js")) {
    copyFileSync(w.source, path.join(dest, "index.js"));
    return [`(name = "index.js", esModule = embed ${rel("index.js")})`];
  }
  const files = readdirSync(w.source);
  // wrangler names the bundle after the entry file (index.js, entry.js, ...).
  const main = files.filter((f) => f.endsWith(".js"));
  if (main.length !== 1) throw new Error(`expected one .js bundle in ${w.source}`);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  for (const f of [...main, ...wasm]) copyFileSync(path.join(w.source, f), path.join(dest, f));
  // The main module must come first.
  return [
    ...main.map((f) => `(name = ${capnp(f)}, esModule = embed ${rel(f)})`),
    ...wasm.map((f) => `(name = ${capnp(f)}, wasm = embed ${rel(f)})`),
  ];
}

export function workerdBinary(): string {
  return path.join(root, "node_modules", "@cloudflare", "workerd-linux-64", "bin", "workerd");
}

/** Resident set size of a process in MiB: current (VmRSS) and peak (VmHWM). */
export function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}
