import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dotenvLine, writeEnvFile } from "../../dev/dev-server/env-file.ts";

// What wrangler makes of these lines is proven end to end in
// test/e2e/dev-server.test.ts (a value with a quote and `$` reaches the Worker
// unchanged); here, the choices and refusals.
describe("dotenvLine", () => {
  it("single-quotes a value and escapes every dollar sign", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${PATH}, what dotenv-expand would substitute.
    expect(dotenvLine("A", 'x$HOME ${PATH} "q"')).toBe(`A='x\\$HOME \\\${PATH} "q"'`);
  });

  it("uses backticks for a value with a single quote", () => {
    expect(dotenvLine("RP", "it's $x")).toBe("RP=`it's \\$x`");
  });

  it("refuses what no quoting carries, naming the variable and never the value", () => {
    for (const value of ["line\nbreak", "cr\rhere", "both ' and `", "trailing\\"]) {
      let message = "";
      try {
        dotenvLine("SECRET_X", value);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain("SECRET_X");
      expect(message).not.toContain(value);
    }
    expect(() => dotenvLine("NOT-A-NAME", "v")).toThrow(/not a variable name/);
  });
});

describe("writeEnvFile", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one line per variable, readable by this user only, even over a readable file", () => {
    dir = mkdtempSync(path.join(tmpdir(), "env-file-"));
    const file = path.join(dir, "worker.env");
    writeFileSync(file, "OLD=1\n");
    chmodSync(file, 0o644);
    writeEnvFile(file, { A: "1", B: "two words" });
    expect(readFileSync(file, "utf8")).toBe("A='1'\nB='two words'\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
