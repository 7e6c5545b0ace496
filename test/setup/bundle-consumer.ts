// Bundles the example consumer Worker (examples/consumer-worker) for the
// worker test project, where it runs as an auxiliary worker (vitest.config.ts).
// Miniflare takes an auxiliary worker's script as is, and the consumer imports
// hono and @edge-auth/hono, so it is bundled here the way `wrangler deploy`
// bundles it: ESM, the workerd export conditions, `cloudflare:*` left to the runtime.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

/** Where the bundle goes, relative to the repository root (ignored by git and Biome). */
export const CONSUMER_BUNDLE = ".wrangler/consumer/index.js";

export async function bundleConsumer(root: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(root, "examples/consumer-worker/src/index.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no consumer bundle");
  const outfile = path.join(root, CONSUMER_BUNDLE);
  await mkdir(path.dirname(outfile), { recursive: true });
  // Written aside, then renamed: a second test run starting at the same moment
  // never loads a half-written script.
  const partial = `${outfile}.${process.pid}.tmp`;
  await writeFile(partial, output.contents);
  await rename(partial, outfile);
  return outfile;
}
