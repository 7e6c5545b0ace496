// Peer 2 of the bench's same-run baselines: an OpenAuth issuer on Cloudflare KV
// (its CloudflareStorage adapter), with OpenAuth's defaults: refresh tokens
// rotate, a used token stays valid 60 s for retries, and every request goes
// through the issuer's own request logger. The one provider answers at once (no
// browser, no password hash): the flow is authorize → provider → code → POST
// /token, and the measured request is the refresh grant of POST /token.
import { issuer } from "@openauthjs/openauth";
import type { Provider } from "@openauthjs/openauth/provider/provider";
import { CloudflareStorage } from "@openauthjs/openauth/storage/cloudflare";
import type { StorageAdapter } from "@openauthjs/openauth/storage/storage";
import { createSubjects } from "@openauthjs/openauth/subject";
import { object, string } from "valibot";

interface Env {
  AUTH_STORAGE: KVNamespace;
}

const subjects = createSubjects({ user: object({ id: string() }) });

/** Signs in one fixed bench user as soon as the issuer hands the flow over. */
const instant: Provider<{ id: string }> = {
  type: "bench",
  init(routes, ctx) {
    routes.get("/authorize", (c) => ctx.success(c, { id: "bench-user" }));
  },
};

/**
 * OpenAuth 0.4.3's CloudflareStorage turns an expiry 60 s away into a TTL of 59 s
 * whenever the clock moves between the two Date.now() calls, and KV refuses TTLs
 * under 60 s (openauth issues #133, #204, #302). The upstream fix (pull request
 * #219, in no release yet) clamps the TTL to 60 s; this does the same from outside.
 */
function clampedTtl(inner: StorageAdapter): StorageAdapter {
  return {
    ...inner,
    set: (key, value, expiry) =>
      inner.set(
        key,
        value,
        expiry && expiry.getTime() - Date.now() < 61_000 ? new Date(Date.now() + 60_999) : expiry,
      ),
  };
}

let app: ReturnType<typeof issuer> | undefined;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    app ??= issuer({
      subjects,
      storage: clampedTtl(CloudflareStorage({ namespace: env.AUTH_STORAGE })),
      providers: { bench: instant },
      success: (res, value) => res.subject("user", { id: value.id }),
    });
    return app.fetch(request, env, ctx);
  },
};
