// JSON shapes of Neon's HTTP SQL endpoint, as read from
// @neondatabase/serverless 1.2.0 (index.mjs, `neon()` → execute / processQueryResult).
//
// Request:  POST <fetchEndpoint>, body `{query, params}` or `{queries: [{query, params}, ...]}`.
//           `params` were already turned into Postgres text by the driver
//           (pg's prepareValue; Buffers as "\x…" bytea hex), so they are strings or null.
// Reply:    `{command, rowCount, rows, fields, rowAsArray}`; a batch replies `{results: [...]}`.
//           The driver always asks for raw text + array mode and runs its own type
//           parsers over `fields[i].dataTypeID`, so rows are arrays of text|null.
// Errors:   HTTP 400 with `{message, code, detail, ...}`; the driver copies exactly the
//           fields below onto its NeonDbError. Any other status becomes a generic error.
import type { DatabaseError, FieldDef, QueryArrayResult } from "pg";

export interface NeonSqlQuery {
  query: string;
  params: unknown[];
}

export type NeonRequestBody =
  | { kind: "single"; query: NeonSqlQuery }
  | { kind: "batch"; queries: NeonSqlQuery[] };

export interface NeonQueryResult {
  command: string;
  rowCount: number | null;
  rows: Array<Array<string | null>> | Array<Record<string, string | null>>;
  fields: FieldDef[];
  rowAsArray: boolean;
}

/** Postgres error fields the driver maps onto NeonDbError (its `errorFields` list). */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

export class BadRequestError extends Error {
  override name = "BadRequestError";
}

export function parseNeonRequestBody(raw: Buffer): NeonRequestBody {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new BadRequestError("request body is not valid JSON");
  }
  if (isRecord(body) && Array.isArray(body.queries)) {
    return { kind: "batch", queries: body.queries.map(toSqlQuery) };
  }
  return { kind: "single", query: toSqlQuery(body) };
}

function toSqlQuery(value: unknown): NeonSqlQuery {
  if (!isRecord(value) || typeof value.query !== "string") {
    throw new BadRequestError('expected {"query": string, "params": [...]}');
  }
  const params = value.params ?? [];
  if (!Array.isArray(params)) throw new BadRequestError("params must be an array");
  return { query: value.query, params };
}

export function toNeonQueryResult(result: QueryArrayResult, arrayMode: boolean): NeonQueryResult {
  // Copy only the documented FieldDef keys: pg's Field objects are plain, but this
  // keeps the wire format independent of pg internals.
  const fields: FieldDef[] = result.fields.map((f) => ({
    name: f.name,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeID: f.dataTypeID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: f.format,
  }));
  const rows = result.rows as Array<Array<string | null>>;
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: arrayMode ? rows : rows.map((row) => rowToObject(fields, row)),
    fields,
    rowAsArray: arrayMode,
  };
}

function rowToObject(fields: FieldDef[], row: Array<string | null>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  fields.forEach((field, i) => {
    out[field.name] = row[i] ?? null;
  });
  return out;
}

/** The 400 body the driver turns into a NeonDbError. */
export function toNeonErrorBody(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const body: Record<string, unknown> = { message: error.message };
  const source = error as Partial<DatabaseError>;
  for (const key of ERROR_FIELDS) {
    const value = source[key];
    if (value !== undefined) body[key] = value;
  }
  return body;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
