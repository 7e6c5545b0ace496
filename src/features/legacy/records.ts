import { httpErrors, invalidRequest } from "../../errors";
import { MAX_IMPORT_RECORDS } from "./import-bounds";

export { MAX_IMPORT_BYTES, MAX_IMPORT_RECORDS } from "./import-bounds";

export type ImportFormat = "ndjson" | "json";

/** One record of an import body, numbered as the operator sees it. */
export type ImportItem = { line: number; value: unknown } | { line: number; invalidJson: true };

/**
 * Splits an import body into records: NDJSON (one JSON text per line, blank
 * lines skipped; `line` is the physical line number) or one JSON array
 * (`line` is the 1-based position). A bad NDJSON line is that line's problem;
 * a bad JSON array is the whole request's.
 */
export function parseImportBody(text: string, format: ImportFormat): ImportItem[] {
  const items: ImportItem[] = [];
  if (format === "json") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw invalidRequest("body is not valid JSON");
    }
    if (!Array.isArray(body)) throw invalidRequest("body must be a JSON array of records");
    checkCount(body.length);
    body.forEach((value, i) => {
      items.push({ line: i + 1, value });
    });
    return items;
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "");
    if (line.trim() === "") continue;
    checkCount(items.length + 1);
    try {
      items.push({ line: i + 1, value: JSON.parse(line) });
    } catch {
      items.push({ line: i + 1, invalidJson: true });
    }
  }
  return items;
}

function checkCount(count: number): void {
  if (count > MAX_IMPORT_RECORDS) {
    throw httpErrors.error("payload_too_large", {
      description: `at most ${MAX_IMPORT_RECORDS} records per request; split the file`,
    });
  }
}

/** The media types an import accepts. */
export function importFormatOf(contentType: string): ImportFormat | null {
  if (/^application\/(x-)?ndjson\s*(;|$)/i.test(contentType)) return "ndjson";
  if (/^application\/json\s*(;|$)/i.test(contentType)) return "json";
  return null;
}
