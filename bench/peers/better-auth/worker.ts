// Peer 1 of the bench's same-run baselines: Better Auth on Cloudflare D1, as its
// documentation sets it up for Workers (the D1 binding passed as `database`; the
// Kysely adapter Better Auth ships recognises it and uses its own D1 dialect).
// Defaults otherwise: no cookie cache, so every getSession reads the session row
// and the user row from D1. One instance per isolate, built on the first request
// (kinder to the peer than building it per request, as some examples do).
import { betterAuth } from "better-auth";

interface Env {
  DB: D1Database;
  BETTER_AUTH_SECRET: string;
  BETTER_AUTH_URL: string;
}

let auth: ReturnType<typeof betterAuth> | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    auth ??= betterAuth({
      database: env.DB,
      emailAndPassword: { enabled: true },
      secret: env.BETTER_AUTH_SECRET,
      baseURL: env.BETTER_AUTH_URL,
    });
    return auth.handler(request);
  },
};
