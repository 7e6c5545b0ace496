// The contract check every request of the workerd suite goes through
// (test/worker/helpers.ts): the exchange must be one the OpenAPI document
// describes. A documented route answers only statuses it lists, with a body
// its schema accepts (error bodies: only the codes listed under that status);
// a request the Worker accepted (2xx) had a body the request schema accepts. A
// route the document does not know may only answer 404 or 405. So the
// document cannot drift from the behaviour the suite exercises.
import { Validator } from "@cfworker/json-schema";

type Schema = Record<string, unknown>;

interface Operation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

interface Route {
  method: string;
  pattern: RegExp;
  params: number;
  path: string;
  op: Operation;
}

/** Compiled once per document loader (the suite's: GET /openapi.json, once per file). */
const compiled = new WeakMap<() => Promise<OpenApiDocument>, Route[]>();
const validators = new Map<Schema, Validator>();

function compile(doc: OpenApiDocument): Route[] {
  const out: Route[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
      out.push({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source}$`),
        params: (path.match(/\{/g) ?? []).length,
        path,
        op,
      });
    }
  }
  // A literal segment wins over a parameter (`/users/import` over `/users/{id}`).
  return out.sort((a, b) => a.params - b.params);
}

function validate(schema: Schema, value: unknown): string[] {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema, "2020-12", false);
    validators.set(schema, validator);
  }
  const result = validator.validate(value);
  return result.valid ? [] : result.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
}

async function jsonOf(message: Request | Response): Promise<unknown> {
  const text = await message.clone().text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isJson = (contentType: string | null) => /^application\/json\b/i.test(contentType ?? "");

/**
 * Throws when the exchange is not one the document describes. `loadDocument`
 * fetches /openapi.json once per test file (outside this check).
 */
export async function checkContract(
  request: Request,
  response: Response,
  loadDocument: () => Promise<OpenApiDocument>,
): Promise<void> {
  if (request.method === "OPTIONS" || request.method === "HEAD") return;
  let routes = compiled.get(loadDocument);
  if (!routes) {
    routes = compile(await loadDocument());
    compiled.set(loadDocument, routes);
  }
  const path = new URL(request.url).pathname;
  const route = routes.find((r) => r.method === request.method && r.pattern.test(path));
  const where = `${request.method} ${path} → ${response.status}`;
  if (!route) {
    if (response.status === 404 || response.status === 405) return;
    // Another method on a path that needs a bearer token asks for it before
    // saying 405 (the credentials middleware runs first).
    if (response.status === 401 && routes.some((r) => r.pattern.test(path))) return;
    throw new Error(`contract: ${where} answered, but the OpenAPI document has no such operation`);
  }
  const described = route.op.responses[String(response.status)];
  if (!described) {
    throw new Error(
      `contract: ${where}: status not in the document for ${request.method} ${route.path} (has ${Object.keys(route.op.responses).join(", ")})`,
    );
  }
  const contentType = response.headers.get("content-type");
  const schema = described.content?.["application/json"]?.schema;
  if (isJson(contentType) && schema) {
    const problems = validate(schema, await jsonOf(response));
    if (problems.length > 0) {
      throw new Error(`contract: ${where}: response body does not match: ${problems.join("; ")}`);
    }
  } else if (described.content && !contentType) {
    throw new Error(`contract: ${where}: the document promises a body, none came`);
  }
  const requestSchema = route.op.requestBody?.content?.["application/json"]?.schema;
  // An optional body is one the route reads only without credentials
  // (jsonBodyWithoutBearer): with a bearer token it was never looked at.
  const bodyIgnored =
    route.op.requestBody?.required === false && request.headers.has("authorization");
  if (
    response.status < 300 &&
    requestSchema &&
    !bodyIgnored &&
    isJson(request.headers.get("content-type"))
  ) {
    const body = await jsonOf(request);
    if (body !== undefined) {
      const problems = validate(requestSchema, body);
      if (problems.length > 0) {
        throw new Error(
          `contract: ${where}: accepted a request body the document refuses: ${problems.join("; ")}`,
        );
      }
    }
  }
}
