// Maps a position in wrangler's bundle back to the original file, through the
// source map wrangler writes beside it (index.js.map), for bench:profile's
// attribution of samples to packages and src/ files. Source Map v3: each
// generated line's segments are Base64 VLQ fields relative to the previous one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const B64 = new Map(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]),
);

/** Base64 VLQ fields of one mapping segment. */
export function vlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = B64.get(c) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Generated position → original source file and line, or null without a map. */
export function sourceMapper(
  bundleDir: string,
): ((line: number, col: number) => Origin | null) | null {
  const js = readdirSync(bundleDir).find((f) => f.endsWith(".js"));
  const mapFile = js && path.join(bundleDir, `${js}.map`);
  if (!mapFile || !existsSync(mapFile)) return null;
  const map = JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[]; mappings: string };
  // Per generated line: flat [column, source, originalLine] triples in column order.
  const lines: number[][] = [];
  let source = 0;
  let origLine = 0;
  for (const text of map.mappings.split(";")) {
    const segs: number[] = [];
    let col = 0;
    for (const seg of text.split(",")) {
      if (!seg) continue;
      // Fields: column, source, line, column in the source (unused here), name.
      const [dCol = 0, dSource, dLine = 0] = vlq(seg);
      col += dCol;
      if (dSource === undefined) continue; // a segment that maps to nothing
      source += dSource;
      origLine += dLine;
      segs.push(col, source, origLine);
    }
    lines.push(segs);
  }
  return (line, col) => {
    const segs = lines[line];
    if (!segs?.length) return null;
    // The last segment starting at or before the column (else the line's first).
    let i = 0;
    while (i + 3 < segs.length && (segs[i + 3] as number) <= col) i += 3;
    const file = map.sources[segs[i + 1] as number] ?? "?";
    return { file: file.replace(/^(\.\.\/)+/, ""), line: (segs[i + 2] as number) + 1 };
  };
}

export interface Origin {
  /** Path relative to the repository root (node_modules/… or src/…). */
  file: string;
  /** 1-based. */
  line: number;
}

/** The package a file comes from (node_modules), or our own file under src/. */
export function moduleOf(file: string): string {
  const nm = file.lastIndexOf("node_modules/");
  if (nm < 0) return file;
  const [scope = "", name = ""] = file.slice(nm + "node_modules/".length).split("/");
  // drizzle-orm's published maps name "../src/*.ts" from its package root, one
  // level too high: node_modules/src/… is drizzle-orm's source (no package is named src).
  if (scope === "src") return "drizzle-orm";
  return scope.startsWith("@") ? `${scope}/${name}` : scope;
}
