// The OpenAPI document (GET /openapi.json) and the reference page (GET /docs).
// Every exchange of the suite is also held to the document (support/contract.ts,
// through test/worker/helpers.ts); these tests hold the document itself: every
// route has an entry, request bodies are the validators' own schemas, and the
// check is able to fail.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { httpErrors } from "../../src/errors";
import { buildOpenApiDocument, undescribedRoutes } from "../../src/routes/openapi/document";
import { describeRoute } from "../../src/routes/openapi/route-doc";
import { call, callWithEnv } from "./helpers";
import { checkContract, type OpenApiDocument } from "./support/contract";

async function document(): Promise<OpenApiDocument & Record<string, unknown>> {
  const res = await call("/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument & Record<string, unknown>;
}

describe("GET /openapi.json", () => {
  it("is OpenAPI 3.1 with the security schemes and every route of the app", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    expect(
      Object.keys((doc.components as { securitySchemes: object }).securitySchemes).sort(),
    ).toEqual(["adminKey", "bearer", "refreshCookie", "serviceKey"]);
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const routes = new Set(
      app.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`),
    );
    expect(new Set(operations)).toEqual(routes);
  });

  it("has no route without a description (a new route fails here until it has one)", () => {
    expect(undescribedRoutes(app.routes)).toEqual([]);
    // The check itself: a route added without describeRoute is found.
    expect(
      undescribedRoutes([...app.routes, { method: "GET", path: "/v1/new", handler: () => {} }]),
    ).toEqual(["GET /v1/new"]);
  });

  it("takes a request body from the route's own validator, and lists each error under its status", async () => {
    const login = (await document()).paths["/v1/login"]?.post as unknown as {
      requestBody: {
        content: Record<
          string,
          { schema: { properties: Record<string, unknown>; required: string[] } }
        >;
      };
      responses: Record<
        string,
        { content: Record<string, { schema: { properties: { error: { enum: string[] } } } }> }
      >;
    };
    const body = login.requestBody.content["application/json"]?.schema;
    expect(Object.keys(body?.properties ?? {}).sort()).toEqual([
      "challenge_token",
      "email",
      "password",
      "token_transport",
    ]);
    expect(body?.required.sort()).toEqual(["email", "password"]);
    const forbidden =
      login.responses["403"]?.content["application/json"]?.schema.properties.error.enum;
    expect(forbidden?.sort()).toEqual([
      "account_disabled",
      "email_not_verified",
      "password_reset_required",
    ]);
    expect(login.responses["429"]).toBeDefined();
  });
});

describe("codes of another part's catalog", () => {
  it("are resolved from the catalogs when the document is built, and an unknown one fails it", async () => {
    const mfa = (await document()).paths["/v1/login/mfa"]?.post as unknown as {
      responses: Record<string, { content: Record<string, { schema: unknown }> }>;
    };
    expect(JSON.stringify(mfa.responses["401"])).toContain("passkey_rejected");
    const route = (codes: string[]) => ({
      method: "GET",
      path: "/v1/x",
      handler: describeRoute({
        tag: "t",
        summary: "s",
        responses: { 204: { description: "ok" } },
        errors: [],
        errorCodesOfOtherParts: codes,
      }),
    });
    const info = { title: "t", version: "1", serverUrl: "http://x" };
    expect(() => buildOpenApiDocument([route(["no_such_code"])], info, [httpErrors])).toThrow(
      /no_such_code/,
    );
    expect(() => buildOpenApiDocument([route(["not_found"])], info, [httpErrors])).not.toThrow();
  });
});

describe("the contract check", () => {
  // A document of one operation, with its own loader (compiled apart from the Worker's).
  const doc = (): Promise<OpenApiDocument> =>
    Promise.resolve({
      paths: {
        "/v1/thing/{id}": {
          get: {
            responses: {
              "200": {
                content: {
                  "application/json": {
                    schema: {
                      type: "object",
                      properties: { n: { type: "integer" } },
                      required: ["n"],
                      additionalProperties: false,
                    },
                  },
                },
              },
            },
          },
        },
      },
    });

  it("refuses a status, a body or a route the document does not have", async () => {
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json" },
      });
    const get = (path: string) => new Request(`http://auth.test${path}`);
    await expect(checkContract(get("/v1/thing/7"), json({ n: 1 }), doc)).resolves.toBeUndefined();
    await expect(checkContract(get("/v1/thing/7"), json({ n: "1" }), doc)).rejects.toThrow(
      /response body does not match/,
    );
    await expect(
      checkContract(get("/v1/thing/7"), json({ n: 1, extra: true }), doc),
    ).rejects.toThrow(/response body does not match/);
    await expect(checkContract(get("/v1/thing/7"), json({}, 418), doc)).rejects.toThrow(
      /status not in the document/,
    );
    await expect(checkContract(get("/v1/other"), json({ n: 1 }), doc)).rejects.toThrow(
      /no such operation/,
    );
    await expect(checkContract(get("/v1/other"), json({}, 404), doc)).resolves.toBeUndefined();
  });
});

describe("GET /docs", () => {
  it("serves the reference page from this origin only, with DOCS_ENABLED", async () => {
    expect(env.DOCS_ENABLED).toBe("true");
    const page = await call("/docs");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const html = await page.text();
    expect(html).toContain('src="/docs/reference.js"');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    const script = await call("/docs/reference.js");
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(await script.text()).toContain("/openapi.json");
    const off = await callWithEnv({ DOCS_ENABLED: "false" }, "/docs");
    expect(off.status).toBe(404);
    expect(((await off.json()) as { error: string }).error).toBe("not_configured");
  });

  it("the JSON document stays on without DOCS_ENABLED", async () => {
    expect((await callWithEnv({ DOCS_ENABLED: "false" }, "/openapi.json")).status).toBe(200);
  });
});
