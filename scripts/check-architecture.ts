// `npm run check:architecture`: the dependency rules of src/ (docs/architecture.md),
// checked on every import, type-only ones included. Exit 0 when they hold, 1
// with one line per broken import. It imports nothing but Node, so the unit
// test (test/unit/architecture.test.ts) runs these very rules.
//
//   routes → domain → ports ← adapters; the shell and each feature's
//   feature.ts wire them together; the core never imports a feature, and a
//   feature never imports another.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Part = "shell" | "wiring" | "routes" | "domain" | "adapters";

/** Where a file under src/ sits: the core's or a feature's, and its part. */
export interface Layer {
  owner: "core" | { feature: string };
  part: Part;
}

/**
 * The shell: the Worker's entry, the app, the composition root, the registries
 * and the configuration loader, the RPC entrypoint and the error funnel, and
 * the two routes that run before or on the configuration itself.
 */
const SHELL = new Set([
  "src/index.ts",
  "src/app.ts",
  "src/composition-root.ts",
  "src/features.ts",
  "src/config.ts",
  "src/rpc.ts",
  "src/failures.ts",
  "src/middleware/config.ts",
  "src/routes/health.ts",
  "src/env.d.ts",
]);

/**
 * Wiring: the Feature contract, each feature's feature.ts (its part of the
 * composition root) and the Durable Object classes, which the runtime
 * constructs and which build their dependencies the way the shell does.
 */
const WIRING = new Set([
  "src/feature.ts",
  "src/adapters/durable-objects/refresh-family.ts",
  "src/features/audit/adapters/audit-head.ts",
]);

/** Durable Object classes: an adapter may name one, for its stub's type. */
const DURABLE_OBJECTS = new Set([
  "src/adapters/durable-objects/refresh-family.ts",
  "src/features/audit/adapters/audit-head.ts",
]);

/** Core files that are HTTP plumbing although they sit at the top of src/. */
const CORE_ROUTES = new Set(["src/app-env.ts"]);

export function layerOf(file: string): Layer {
  const feature = /^src\/features\/([^/]+)\/(.*)$/.exec(file);
  const owner: Layer["owner"] = feature ? { feature: feature[1] as string } : "core";
  const rest = feature ? (feature[2] as string) : file.slice("src/".length);
  if (SHELL.has(file)) return { owner, part: "shell" };
  if (WIRING.has(file) || (feature && rest === "feature.ts")) return { owner, part: "wiring" };
  if (/^adapters\//.test(rest)) return { owner, part: "adapters" };
  if (CORE_ROUTES.has(file) || /^(routes|middleware)(\/|\.ts$)/.test(rest)) {
    return { owner, part: "routes" };
  }
  return { owner, part: "domain" };
}

const featureOf = (l: Layer) => (l.owner === "core" ? null : l.owner.feature);

/** What each part may import, by the importee's part (the owner rules come first). */
const ALLOWED: Record<Part, readonly Part[]> = {
  shell: ["shell", "wiring", "routes", "domain", "adapters"],
  wiring: ["wiring", "routes", "domain", "adapters"],
  routes: ["routes", "domain"],
  domain: ["domain"],
  adapters: ["adapters", "domain"],
};

/** Why `from` may not import `to` (both paths under src/), or null when it may. */
export function violation(from: string, to: string): string | null {
  const a = layerOf(from);
  const b = layerOf(to);
  const fa = featureOf(a);
  const fb = featureOf(b);
  if (fb !== null && fa === null && a.part !== "shell") return `the core imports feature ${fb}`;
  if (fa !== null && fb !== null && fa !== fb) return `feature ${fa} imports feature ${fb}`;
  // A Durable Object class (wiring) reads the configuration as the shell does.
  if (a.part === "wiring" && to === "src/config.ts") return null;
  if (a.part === "wiring" && to === "src/composition-root.ts") return null;
  if (a.part === "adapters" && DURABLE_OBJECTS.has(to)) return null;
  if (!ALLOWED[a.part].includes(b.part)) return `${a.part} imports ${b.part} (${to})`;
  return null;
}

/** Packages only some parts may use: HTTP framework code stays out of the domain. */
export function packageViolation(from: string, specifier: string): string | null {
  const a = layerOf(from);
  if (a.part === "domain" && /^hono(\/|$)/.test(specifier)) return "domain code imports Hono";
  return null;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|(?:^|\n)\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|declare module\s+["']([^"']+)["']/g;

function* sources(dir: string, root: string): Generator<string> {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) yield* sources(rel, root);
    else if (/\.ts$/.test(entry.name)) yield rel;
  }
}

function resolve(from: string, specifier: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return /\.(ts|wasm)$/.test(target) ? target : `${target}.ts`;
}

/** Every broken rule in the files given (default: all of src/), as `file: import → reason`. */
export function checkArchitecture(root: string, files?: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const file of files ?? sources("src", root)) {
    const text = readFileSync(path.join(root, file), "utf8");
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? match[4] ?? "";
      let why: string | null;
      if (!specifier.startsWith(".")) why = packageViolation(file, specifier);
      else {
        const target = resolve(file, specifier);
        why = target.startsWith("src/") ? violation(file, target) : null;
      }
      if (why) problems.push(`${file}: ${specifier} → ${why}`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  const problems = checkArchitecture(root);
  for (const p of problems) console.error(p);
  console.log(
    problems.length === 0 ? "architecture: ok" : `architecture: ${problems.length} broken`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
}
