// `npm run users:import -- FILE.jsonl` posts a legacy user export (NDJSON, one
// `{email, password_hash, password_salt?}` per line) to a running edge-auth,
// in requests the service accepts (at most 10,000 records and 5 MiB each), and
// prints every rejected line with its reason. `--sessions` imports legacy
// sessions (`{session_key_sha256, email, expires_at}`) instead.
//
// It goes through the service on purpose: the same validation and bounds as
// the admin endpoint, the same rate limit, and every use of the admin key is
// recorded. Environment: EDGE_AUTH_URL (default http://127.0.0.1:8787) and
// ADMIN_API_KEY. Exit status: 0 all created or existing, 2 some rejected, 1 error.
// Re-running is safe: imports are idempotent (by email, or by session key hash).
import { readFile } from "node:fs/promises";
import {
  MAX_IMPORT_BYTES as MAX_BYTES,
  MAX_IMPORT_RECORDS as MAX_RECORDS,
} from "../src/features/legacy/import-bounds.ts";

export interface Chunk {
  body: string;
  /** The file's line number of each record in `body`, in order. */
  lines: number[];
}

/** Splits NDJSON at line boundaries into bodies within both bounds; blank lines are dropped. */
export function splitIntoChunks(text: string, maxRecords = MAX_RECORDS, maxBytes = MAX_BYTES) {
  const chunks: Chunk[] = [];
  let body: string[] = [];
  let lines: number[] = [];
  let bytes = 0;
  const flush = () => {
    if (body.length > 0) chunks.push({ body: body.join("\n"), lines });
    body = [];
    lines = [];
    bytes = 0;
  };
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const size = Buffer.byteLength(line) + 1;
    if (size > maxBytes) throw new Error(`line ${i + 1} alone is larger than ${maxBytes} bytes`);
    if (body.length === maxRecords || bytes + size > maxBytes) flush();
    body.push(line);
    lines.push(i + 1);
    bytes += size;
  });
  flush();
  return chunks;
}

interface Result {
  line: number;
  email: string | null;
  status: "created" | "exists" | "rejected";
  reason?: string;
  detail?: string;
}

export interface ImportRun {
  summary: { created: number; exists: number; rejected: number };
  /** Rejected records, numbered by the file's lines. */
  rejected: Result[];
}

const MAX_ATTEMPTS = 5;

/** Posts every chunk, waiting out 429/503 per Retry-After; results carry the file's line numbers. */
export async function runImport(opts: {
  text: string;
  baseUrl: string;
  adminKey: string;
  path: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}): Promise<ImportRun> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const run: ImportRun = { summary: { created: 0, exists: 0, rejected: 0 }, rejected: [] };
  for (const chunk of splitIntoChunks(opts.text)) {
    let res: Response | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      res = await doFetch(new URL(opts.path, opts.baseUrl), {
        method: "POST",
        headers: {
          authorization: `Bearer ${opts.adminKey}`,
          "content-type": "application/x-ndjson",
        },
        body: chunk.body,
      });
      if ((res.status !== 429 && res.status !== 503) || attempt === MAX_ATTEMPTS) break;
      await sleep(Math.max(1, Number(res.headers.get("retry-after") ?? "1")) * 1000);
    }
    if (!res?.ok) {
      const error = res ? `${res.status} ${await res.text()}` : "no response";
      throw new Error(`import request failed at file line ${chunk.lines[0]}: ${error}`);
    }
    const report = (await res.json()) as { results: Result[] };
    for (const r of report.results) {
      run.summary[r.status] += 1;
      if (r.status === "rejected") run.rejected.push({ ...r, line: chunk.lines[r.line - 1] ?? 0 });
    }
  }
  return run;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  const adminKey = process.env.ADMIN_API_KEY;
  if (!file || !adminKey) {
    console.error(
      "usage: ADMIN_API_KEY=… [EDGE_AUTH_URL=…] npm run users:import -- FILE.jsonl [--sessions]",
    );
    return 1;
  }
  const run = await runImport({
    text: await readFile(file, "utf8"),
    baseUrl: process.env.EDGE_AUTH_URL ?? "http://127.0.0.1:8787",
    adminKey,
    path: args.includes("--sessions")
      ? "/v1/admin/legacy-sessions/import"
      : "/v1/admin/users/import",
  });
  for (const r of run.rejected) {
    console.error(
      `line ${r.line} ${r.email ?? "-"}: ${r.reason}${r.detail ? ` (${r.detail})` : ""}`,
    );
  }
  console.log(JSON.stringify(run.summary));
  return run.rejected.length > 0 ? 2 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
