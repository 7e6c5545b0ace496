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
    const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1];
    if (url.pathname === "/protected") {
      if (!token) return Response.json({ error: "unauthorized" }, { status: 401 });
      const result = await env.AUTH.verify(token);
      if (!result.ok) return Response.json({ error: result.error }, { status: 401 });
      return Response.json({ hello: result.claims.sub, session: result.claims.sid });
    }
    // A permission, checked against the roles the user holds now (a removed
    // role stops counting at once), revocation included.
    if (url.pathname === "/orders") {
      if (!token) return Response.json({ error: "unauthorized" }, { status: 401 });
      const result = await env.AUTH.authorize(token, "orders:read");
      if (!result.allowed) {
        const status = result.reason === "forbidden" ? 403 : 401;
        return Response.json({ error: result.reason }, { status });
      }
      return Response.json({ orders: [], for: result.claims.sub });
    }
    return new Response("not found", { status: 404 });
  },
};
