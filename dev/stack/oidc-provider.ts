// A real OpenID Connect provider (panva's oidc-provider) standing in for Google,
// LinkedIn or any other IdP in tests and local development. Interactions finish
// without a human when the authorization request names the account in
// `login_hint`, so a script can follow the redirects; a tiny sign-in page covers
// the human case. A control API under /__test/ adds accounts, tampers with the
// next ID token and simulates outages, so tests can check that the service
// refuses what a broken or hostile provider would send.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from "jose";
// @ts-expect-error oidc-provider ships no type declarations and @types/oidc-provider is not a
// dependency; the few members used here are typed by OidcProviderClass below.
import { Provider as UntypedProvider } from "oidc-provider";
import {
  isRecord,
  noContent,
  parseJsonOrUndefined,
  readText,
  sendJson,
} from "../bridges/http-server.ts";
import { escapeHtml } from "./html.ts";
import { answerOutage, type OutageMode, outageModeOf } from "./outage-mode.ts";

export interface OidcTestAccount {
  sub: string;
  email?: string;
  /** Passed through as given: tests send the string "true" to mimic a buggy provider. */
  email_verified?: unknown;
  name?: string;
}

export interface LocalOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

export type NextTokenMode =
  | "wrong_iss"
  | "wrong_aud"
  | "expired"
  | "alg_none"
  | "foreign_key"
  | "wrong_nonce"
  | "no_id_token";

export type { OutageMode } from "./outage-mode.ts";

const NEXT_TOKEN_MODES: readonly string[] = [
  "wrong_iss",
  "wrong_aud",
  "expired",
  "alg_none",
  "foreign_key",
  "wrong_nonce",
  "no_id_token",
] satisfies NextTokenMode[];

// RS256 because it is what Google and LinkedIn sign ID tokens with, and it is
// oidc-provider's default id_token_signed_response_alg for clients.
const SIGNING_ALG = "RS256";
const ID_TOKEN_TTL_SECONDS = 60 * 60;

// The slice of oidc-provider's API this file uses.
interface OidcInteraction {
  uid: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId: string };
  grantId?: string;
}
interface OidcGrant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}
interface OidcKoaContext {
  status: number;
  body: unknown;
  type: string;
  oidc?: { route?: string };
}
interface OidcProviderInstance {
  Grant: {
    new (init: { accountId: string; clientId: string }): OidcGrant;
    find(id: string): Promise<OidcGrant | undefined>;
  };
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  use(middleware: (ctx: OidcKoaContext, next: () => Promise<void>) => Promise<void>): unknown;
  on(event: "server_error", listener: (ctx: unknown, error: unknown) => void): unknown;
  interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<OidcInteraction>;
  interactionFinished(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
}
type OidcProviderClass = new (
  issuer: string,
  configuration: Record<string, unknown>,
) => OidcProviderInstance;
const Provider: OidcProviderClass = UntypedProvider;

export async function startLocalOidcProvider(options: {
  clients: Array<{ clientId: string; clientSecret: string; redirectUris: string[] }>;
  accounts?: OidcTestAccount[];
  port?: number;
}): Promise<LocalOidcProvider> {
  const accounts = new Map<string, OidcTestAccount>();
  for (const account of options.accounts ?? []) accounts.set(account.sub, { ...account });
  let nextTokenMode: NextTokenMode | null = null;
  let outage: OutageMode = null;

  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const kid = `local-${randomUUID()}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: "sig" };

  // The issuer has to name the real port, so listen first and only then build
  // the provider the handler forwards to.
  let handle: http.RequestListener = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = http.createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    // Our own per-instance store: the built-in memory adapter is shared by every
    // provider in the process and announces itself with a warning on start.
    adapter: createMemoryAdapter(),
    jwks: { keys: [privateJwk] },
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      response_types: ["code"],
      grant_types: ["authorization_code"],
      // Either way of sending the secret is accepted for a secret-based client.
      token_endpoint_auth_method: "client_secret_basic",
    })),
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    responseTypes: ["code"],
    scopes: ["openid", "email", "profile"],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // Put the scope's claims in the ID token, as Google and LinkedIn do, instead of
    // only at the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      // Without it the access token is for userinfo, which needs no resource server setup.
      resourceIndicators: { enabled: false },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    // Explicit values and functions where the defaults print a notice on first use.
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: ID_TOKEN_TTL_SECONDS,
      Interaction: 10 * 60,
      Session: 60 * 60,
      Grant: 60 * 60,
    },
    clientBasedCORS: () => false,
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => claimsOf(account) };
    },
    renderError: async (ctx: OidcKoaContext, out: Record<string, unknown>) => {
      ctx.type = "html";
      ctx.body = page(
        "Error",
        `<h1>Error</h1>${Object.entries(out)
          .map(([key, value]) => `<p><b>${escapeHtml(key)}</b>: ${escapeHtml(String(value))}</p>`)
          .join("")}`,
      );
    },
  });
  // oidc-provider reports its own bugs (500s) only through this event.
  provider.on("server_error", (_ctx, error) => {
    console.error(`local OIDC provider ${issuer}: server_error`, error);
  });

  // Wraps the token endpoint: the next successful response carrying an ID token
  // gets it tampered with as the pending mode says; then the mode is spent.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== "token" || nextTokenMode === null) return;
    const body = ctx.body;
    if (ctx.status !== 200 || !isRecord(body) || typeof body.id_token !== "string") return;
    const mode = nextTokenMode;
    nextTokenMode = null;
    const { id_token: idToken, ...rest } = body;
    ctx.body =
      mode === "no_id_token"
        ? rest
        : { ...rest, id_token: await tamper(idToken, mode, privateKey, kid) };
  });

  const providerCallback = provider.callback();

  function accountFor(hint: string): OidcTestAccount | undefined {
    return accounts.get(hint) ?? [...accounts.values()].find((account) => account.email === hint);
  }

  async function handleInteraction(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    submitted: boolean,
  ): Promise<void> {
    const interaction = await provider.interactionDetails(req, res);
    const { prompt, params } = interaction;

    if (prompt.name === "consent") {
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grant(interaction) } },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    if (prompt.name !== "login") {
      res.writeHead(400, { "content-type": "text/plain" }).end(`unexpected prompt ${prompt.name}`);
      return;
    }

    let account: OidcTestAccount | undefined;
    if (submitted) {
      const email = new URLSearchParams(await readText(req)).get("email")?.trim() ?? "";
      if (!email) {
        res.writeHead(400, { "content-type": "text/plain" }).end("email is required");
        return;
      }
      account = accountFor(email);
      if (!account) {
        account = { sub: `local-${randomUUID()}`, email, email_verified: true };
        accounts.set(account.sub, account);
      }
    } else if (typeof params.login_hint === "string") {
      account = accountFor(params.login_hint);
      if (!account) {
        await provider.interactionFinished(
          req,
          res,
          { error: "access_denied", error_description: "no such account at this provider" },
          { mergeWithLastSubmission: false },
        );
        return;
      }
    } else {
      const prefill = [...accounts.values()].find((candidate) => candidate.email)?.email ?? "";
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
      });
      res.end(
        page(
          `Sign in to ${issuer}`,
          `<h1>Sign in</h1><p>Local test provider at ${escapeHtml(issuer)}</p>
<form method="post" action="/interaction/${encodeURIComponent(interaction.uid)}/login">
<input type="email" name="email" value="${escapeHtml(prefill)}" required autofocus>
<button type="submit">Sign in</button>
</form>`,
        ),
      );
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  // Consent is granted for whatever OIDC scopes and claims the client asked for.
  async function grant(interaction: OidcInteraction): Promise<string> {
    const accountId = interaction.session?.accountId;
    const clientId = interaction.params.client_id;
    if (!accountId || typeof clientId !== "string") throw new Error("consent without a session");
    const existing = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const { missingOIDCScope, missingOIDCClaims } = interaction.prompt.details;
    if (Array.isArray(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(" "));
    if (Array.isArray(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims);
    return grant.save();
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    if (req.method !== "POST") return sendJson(res, 405, { error: "POST only" });
    if (path === "/__test/reset") {
      nextTokenMode = null;
      outage = null;
      return noContent(res);
    }
    const body = parseJsonOrUndefined(await readText(req));
    if (path === "/__test/accounts") {
      if (!isRecord(body) || typeof body.sub !== "string" || body.sub === "") {
        return sendJson(res, 400, { error: "body must be an account with a non-empty sub" });
      }
      const account: OidcTestAccount = { sub: body.sub };
      if (typeof body.email === "string") account.email = body.email;
      if ("email_verified" in body) account.email_verified = body.email_verified;
      if (typeof body.name === "string") account.name = body.name;
      accounts.set(account.sub, account);
      return noContent(res);
    }
    if (path === "/__test/next-token") {
      if (
        !isRecord(body) ||
        typeof body.mode !== "string" ||
        !NEXT_TOKEN_MODES.includes(body.mode)
      ) {
        return sendJson(res, 400, { error: `mode must be one of ${NEXT_TOKEN_MODES.join(", ")}` });
      }
      nextTokenMode = body.mode as NextTokenMode;
      return noContent(res);
    }
    if (path === "/__test/outage") {
      const mode = outageModeOf(body);
      if (mode === undefined) {
        return sendJson(res, 400, { error: 'mode must be "down", "garbage" or null' });
      }
      outage = mode;
      return noContent(res);
    }
    sendJson(res, 404, { error: "unknown control endpoint" });
  }

  handle = (req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    const work = async () => {
      if (path.startsWith("/__test/")) return handleControl(req, res, path);
      if (outage) return answerOutage(res, outage);
      const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(path);
      if (interaction) {
        const submitted = interaction[2] !== undefined;
        if (req.method !== (submitted ? "POST" : "GET")) {
          res.writeHead(405, { "content-type": "text/plain" }).end("method not allowed");
          return;
        }
        return handleInteraction(req, res, submitted);
      }
      return providerCallback(req, res);
    };
    work().catch((error: unknown) => {
      // A missing or expired interaction cookie lands here (a stale tab, a replayed
      // URL); anything else is a bug worth seeing in the test output.
      if (error instanceof Error && error.name === "SessionNotFound") {
        if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
        res.end("This sign-in has expired or was never started here; start it again.");
        return;
      }
      console.error(`local OIDC provider ${issuer}:`, error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end();
    });
  };

  return {
    issuer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function claimsOf(account: OidcTestAccount): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: account.sub };
  if (account.email !== undefined) claims.email = account.email;
  if (account.email_verified !== undefined) claims.email_verified = account.email_verified;
  if (account.name !== undefined) claims.name = account.name;
  return claims;
}

async function tamper(
  idToken: string,
  mode: Exclude<NextTokenMode, "no_id_token">,
  privateKey: CryptoKey,
  kid: string,
): Promise<string> {
  const claims: JWTPayload = decodeJwt(idToken);
  const header = { ...decodeProtectedHeader(idToken), alg: SIGNING_ALG, kid };
  let key = privateKey;
  switch (mode) {
    case "wrong_iss":
      claims.iss = "http://evil.example";
      break;
    case "wrong_aud":
      claims.aud = "someone-else";
      break;
    case "expired": {
      const shift = 2 * 60 * 60;
      const now = Math.floor(Date.now() / 1000);
      claims.iat = (claims.iat ?? now) - shift;
      claims.exp = (claims.exp ?? now + ID_TOKEN_TTL_SECONDS) - shift;
      break;
    }
    case "wrong_nonce":
      claims.nonce = randomBytes(16).toString("base64url");
      break;
    case "foreign_key":
      // Same alg and kid as the real key, so only the signature check can tell.
      key = (await generateKeyPair(SIGNING_ALG)).privateKey;
      break;
    case "alg_none": {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${encode({ alg: "none" })}.${encode(claims)}.`;
    }
  }
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

interface StoredEntry {
  payload: Record<string, unknown>;
  expiresAt: number;
}

// A storage adapter for oidc-provider (find/upsert/consume/destroy plus the
// session-uid, user-code and grant indexes), private to one provider instance.
function createMemoryAdapter(): (model: string) => Record<string, unknown> {
  const entries = new Map<string, StoredEntry>();
  const sessionsByUid = new Map<string, string>();
  const userCodes = new Map<string, string>();
  const grants = new Map<string, Set<string>>();

  function read(key: string): Record<string, unknown> | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return structuredClone(entry.payload);
  }

  return (model) => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
        const key = keyOf(id);
        const expiresAt = typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Infinity;
        entries.set(key, { payload: structuredClone(payload), expiresAt });
        if (model === "Session" && typeof payload.uid === "string")
          sessionsByUid.set(payload.uid, id);
        if (typeof payload.userCode === "string") userCodes.set(payload.userCode, id);
        if (typeof payload.grantId === "string") {
          const members = grants.get(payload.grantId) ?? new Set<string>();
          members.add(key);
          grants.set(payload.grantId, members);
        }
      },
      async find(id: string) {
        return read(keyOf(id));
      },
      async findByUid(uid: string) {
        const id = sessionsByUid.get(uid);
        return id === undefined ? undefined : read(keyOf(id));
      },
      async findByUserCode(userCode: string) {
        const id = userCodes.get(userCode);
        return id === undefined ? undefined : read(keyOf(id));
      },
      async consume(id: string) {
        const entry = entries.get(keyOf(id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId: string) {
        for (const key of grants.get(grantId) ?? []) entries.delete(key);
        grants.delete(grantId);
      },
    };
  };
}

/** A self-contained page: inline CSS, no external assets. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
input,button{display:block;width:100%;box-sizing:border-box;margin:.5rem 0;padding:.5rem;font-size:1rem}
button{background:#1a73e8;color:#fff;border:0;border-radius:4px;cursor:pointer}</style>
</head><body>${body}</body></html>`;
}
