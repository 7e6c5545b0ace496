// The service's OpenAPI document (GET /openapi.json) without a server of your own
// running, and the client SDK's types generated from it.
//
//   node scripts/openapi-document.ts                  prints the document
//   node scripts/openapi-document.ts --types FILE     writes openapi-typescript's types to FILE
//   … --url http://127.0.0.1:8787                     reads it from a running server instead
//
// Without --url it starts `npm run dev` the way the e2e tests do (a free port and a
// throwaway data folder, test/e2e/dev-process.ts), reads the document and stops it.
// `npm run sdk:generate` writes packages/client/src/schema.d.ts this way, and
// test/e2e/client-sdk.test.ts regenerates the file from the live document and fails
// when the committed one differs, so the SDK cannot drift from the service.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { startDev } from "../test/e2e/dev-process.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Where the client SDK keeps its generated types (committed). */
export const CLIENT_SCHEMA_FILE = path.join(root, "packages/client/src/schema.d.ts");

/** GET /openapi.json from the server at `base`. */
export async function fetchOpenApiDocument(base: string): Promise<Record<string, unknown>> {
  const res = await fetch(new URL("/openapi.json", base));
  if (!res.ok) throw new Error(`GET ${base}/openapi.json answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The document, from `base` when given, else from a dev server started (and stopped) here. */
export async function openApiDocument(base?: string): Promise<Record<string, unknown>> {
  if (base) return fetchOpenApiDocument(base);
  const dev = await startDev();
  try {
    return await fetchOpenApiDocument(dev.base);
  } finally {
    await dev.stop();
  }
}

/**
 * The client's `schema.d.ts` for a document: openapi-typescript's output, formatted
 * by the repository's Biome so the committed file reads like the rest (and a
 * regeneration compares byte for byte).
 */
export async function clientSchemaTypes(document: Record<string, unknown>): Promise<string> {
  // The server URL names the port it ran on; types do not depend on it.
  const { servers: _servers, ...portable } = document;
  const source = astToString(
    await openapiTS(portable as unknown as Parameters<typeof openapiTS>[0]),
  );
  return execFileSync(
    path.join(root, "node_modules/.bin/biome"),
    ["format", `--stdin-file-path=${path.relative(root, CLIENT_SCHEMA_FILE)}`],
    { cwd: root, input: source, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
}

function parseArgs(argv: readonly string[]): { url?: string; types?: string } {
  const out: { url?: string; types?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === "--url" || flag === "--types") && value && !value.startsWith("--")) {
      out[flag === "--url" ? "url" : "types"] = value;
      i++;
    } else {
      throw new Error(`usage: node scripts/openapi-document.ts [--url BASE] [--types FILE]`);
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const args = parseArgs(process.argv.slice(2));
    const document = await openApiDocument(args.url);
    if (args.types) {
      writeFileSync(path.resolve(args.types), await clientSchemaTypes(document));
      console.error(`wrote ${args.types}`);
    } else {
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
