// bench:profile attributes samples to packages through wrangler's source map;
// a wrong VLQ decode would silently credit the wrong code.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { moduleOf, sourceMapper, vlq } from "../../bench/source-map";

describe("Base64 VLQ (Source Map v3)", () => {
  it("decodes signed fields, single and multi-digit", () => {
    expect(vlq("AAAA")).toEqual([0, 0, 0, 0]);
    expect(vlq("C")).toEqual([1]);
    expect(vlq("D")).toEqual([-1]);
    // 16 needs a continuation digit: g (32 | 0) then B (1 << 5 = 32, as 16 << 1).
    expect(vlq("gB")).toEqual([16]);
    expect(vlq("2H")).toEqual([123]);
    expect(vlq("3H")).toEqual([-123]);
    expect(vlq("+/D")).toEqual([2047]);
  });
});

describe("sourceMapper", () => {
  function bundleWithMap(map: object): string {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-map-"));
    writeFileSync(path.join(dir, "index.js"), "// bundle\n");
    writeFileSync(path.join(dir, "index.js.map"), JSON.stringify(map));
    return dir;
  }

  it("maps a generated position to the last segment at or before it", () => {
    // Line 0: col 0 → a.ts line 1; col 10 → b.ts line 3. Line 1: col 4 → b.ts line 4.
    // Fields are deltas: [col, source, line, sourceCol]; the line deltas carry over lines.
    const dir = bundleWithMap({
      version: 3,
      sources: ["../../src/a.ts", "../../node_modules/jose/dist/b.js"],
      mappings: "AAAA,UCEA;IACA",
    });
    const at = sourceMapper(dir);
    expect(at).not.toBeNull();
    expect(at?.(0, 0)).toEqual({ file: "src/a.ts", line: 1 });
    expect(at?.(0, 9)).toEqual({ file: "src/a.ts", line: 1 });
    expect(at?.(0, 10)).toEqual({ file: "node_modules/jose/dist/b.js", line: 3 });
    expect(at?.(0, 500)).toEqual({ file: "node_modules/jose/dist/b.js", line: 3 });
    expect(at?.(1, 4)).toEqual({ file: "node_modules/jose/dist/b.js", line: 4 });
    expect(at?.(7, 0)).toBeNull();
  });

  it("is absent without a map beside the bundle", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-nomap-"));
    writeFileSync(path.join(dir, "index.js"), "// bundle\n");
    expect(sourceMapper(dir)).toBeNull();
  });
});

describe("moduleOf", () => {
  it("names the package, scoped or not, or keeps our own path", () => {
    expect(moduleOf("node_modules/jose/dist/webapi/jwt/verify.js")).toBe("jose");
    expect(moduleOf("node_modules/@upstash/redis/chunk.mjs")).toBe("@upstash/redis");
    expect(moduleOf("node_modules/a/node_modules/@b/c/x.js")).toBe("@b/c");
    expect(moduleOf("src/auth/sessions.ts")).toBe("src/auth/sessions.ts");
    // drizzle-orm's published maps point one level too high.
    expect(moduleOf("node_modules/src/sql/sql.ts")).toBe("drizzle-orm");
  });
});
