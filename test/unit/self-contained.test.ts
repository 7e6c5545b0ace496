// Guards that a plain clone is enough: no tracked source file imports or opens
// a relative path that leaves the repository (a test once imported its PASETO
// vectors from ../../../shared/, which a user cloning from GitHub does not have).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Relative specifiers in `from "…"`, `import("…")`, `require("…")` and `new URL("…", import.meta.url)`. */
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bnew URL\(\s*)["'](\.{1,2}\/[^"']*)["']/g;

function trackedSources(): string[] {
  const out = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  return out
    .split("\0")
    .filter((f) => /\.(ts|mts|js|mjs|cjs|jsonc?|sh)$/.test(f) && !f.startsWith("node_modules/"));
}

function escapingReferences(file: string, text: string): string[] {
  const dir = path.dirname(path.join(root, file));
  const found: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const target = path.resolve(dir, match[1] as string);
    if (path.relative(root, target).startsWith("..")) found.push(`${file}: ${match[1]}`);
  }
  return found;
}

describe("the repository is self-contained", () => {
  it("finds an import that leaves the tree (the check can fail)", () => {
    // Assembled, so this file does not match its own check.
    const outside = `${"../../.."}/shared/v4.json`;
    expect(escapingReferences("test/worker/x.test.ts", `import v from "${outside}";`)).toEqual([
      `test/worker/x.test.ts: ${outside}`,
    ]);
    expect(
      escapingReferences("test/worker/x.test.ts", 'import v from "../fixtures/v4.json";'),
    ).toEqual([]);
  });

  it("no tracked file imports or opens a relative path outside the repository", () => {
    const files = trackedSources();
    expect(files.length).toBeGreaterThan(100);
    const escaping = files.flatMap((f) =>
      escapingReferences(f, readFileSync(path.join(root, f), "utf8")),
    );
    expect(escaping).toEqual([]);
  });
});
