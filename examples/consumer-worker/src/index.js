// @ts-check
// A second Worker that protects a route with edge-auth over a service binding:
// no HTTP hop, no JWKS fetch, and revocation included (a logged-out session is
// rejected at once). Plain JavaScript so it runs as-is; types come from
// edge-auth's exported `AuthService`.

/** @typedef {import("../../../src/rpc").AuthService} AuthService */
/** @typedef {{ AUTH: Service<AuthService> }} ConsumerEnv */

const BEARER = /^Bearer +(\S+)$/;

export default {
  /**
   * @param {Request} request
   * @param {ConsumerEnv} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== "/protected") return new Response("not found", { status: 404 });
    const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!token) return Response.json({ error: "unauthorized" }, { status: 401 });
    const result = await env.AUTH.verify(token);
    if (!result.ok) return Response.json({ error: result.error }, { status: 401 });
    return Response.json({ hello: result.claims.sub, session: result.claims.sid });
  },
};
