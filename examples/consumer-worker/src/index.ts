// A second Worker that protects its routes with edge-auth over a service
// binding, through the @edge-auth/hono middleware: no HTTP hop, no JWKS fetch,
// and revocation included (a logged-out session or a removed role is refused
// at the next request).
import { type AuthBinding, requireAuth, requirePermission } from "@edge-auth/hono";
import { Hono } from "hono";

type ConsumerEnv = { Bindings: { AUTH: AuthBinding } };

const app = new Hono<ConsumerEnv>();

// Any live token.
app.get("/protected", requireAuth(), (c) =>
  c.json({ hello: c.var.auth.claims.sub, session: c.var.auth.claims.sid }),
);

// A permission, checked against the roles the user holds now.
app.get("/orders", requirePermission("orders:read"), (c) =>
  c.json({ orders: [], for: c.var.auth.claims.sub }),
);

// A sensitive page: the user must have signed in (or stepped up) within the
// last five minutes (RFC 9470), whatever the token's own lifetime.
app.get("/account/security", requireAuth({ maxAge: 300 }), (c) =>
  c.json({ user: c.var.auth.claims.sub, authenticated_at: c.var.auth.claims.auth_time }),
);

export default app;
