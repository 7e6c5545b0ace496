// Relative imports name their `.ts` file: src/config.ts loads this part in Node
// too (`npm run deploy:check`).
import { z } from "zod";
import { ConfigError, defineConfigPart, rate } from "../../core-config.ts";

/** One provider that is on (it has a client id), as the sign-in flow needs it. */
export interface ProviderSettings {
  /** In URLs and the identities table: `google`, `linkedin`, `github`, or a configured id. */
  id: string;
  /** For login buttons. */
  label: string;
  /** `oidc`: discovery, id_token; `github`: OAuth 2.0 plus its REST API for the profile. */
  kind: "oidc" | "github";
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  /** OIDC: the issuer identifier; discovery is `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** GitHub: the API base (`https://api.github.com`, or GHES's `https://host/api/v3`). */
  apiUrl: string;
}

export interface SocialConfig {
  /** The providers that are on, in a stable order (the built-in ones, then OAUTH_OIDC_PROVIDERS). */
  providers: readonly ProviderSettings[];
  /** Where a flow may end: exact strings, compared whole (no prefix or wildcard match). */
  redirectUris: readonly string[];
  /** A new identity whose provider asserts a verified email may join the account with that email. */
  linkVerifiedEmail: boolean;
}

declare module "../../core-config.ts" {
  interface FeatureConfigs {
    social: SocialConfig;
  }
}

declare module "../../ports.ts" {
  interface LimitBucketRegistry {
    oauth_ip: true;
  }
}

const PROVIDER_ID = /^[a-z][a-z0-9-]{0,31}$/;
const BUILT_IN = ["google", "linkedin", "github"] as const;

/**
 * An endpoint of a provider: https, or plain http on a loopback address only
 * (the local providers of `npm run dev` and the tests). A Worker in production
 * cannot reach a loopback address, so this never weakens a deployment.
 */
export function isAllowedEndpoint(raw: string): boolean {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.search || u.hash || u.username || u.password) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && isLoopbackHost(u.hostname);
}

export const isLoopbackHost = (host: string): boolean =>
  host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);

const endpoint = z
  .string()
  .refine(isAllowedEndpoint, "must be an https URL (http only on a loopback address)");

const genericProviders = z
  .array(
    z.strictObject({
      id: z.string().regex(PROVIDER_ID),
      issuer: endpoint,
      name: z.string().min(1).max(64).optional(),
      scopes: z
        .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/))
        .min(1)
        .max(20)
        .optional(),
    }),
  )
  .max(20);

/** The variable that holds a provider's client id or secret: `OAUTH_ACME_CORP_CLIENT_ID`. */
export const clientVariable = (id: string, part: "CLIENT_ID" | "CLIENT_SECRET"): string =>
  `OAUTH_${id.toUpperCase().replaceAll("-", "_")}_${part}`;

/**
 * RFC 6749 §3.1.2: an absolute URI without a fragment. App redirect URIs may be
 * private-use schemes (RFC 8252 §7.1, `com.example.app:/oauth`) or loopback
 * http (§7.3).
 */
function parseRedirectUris(raw: string | undefined): string[] | null {
  if (!raw) return [];
  const out: string[] = [];
  for (const entry of raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    let u: URL;
    try {
      u = new URL(entry);
    } catch {
      return null;
    }
    if (u.hash || entry.includes("#")) return null;
    if (u.protocol === "http:" && !isLoopbackHost(u.hostname)) return null;
    out.push(entry);
  }
  return out;
}

const variables = {
  OAUTH_REDIRECT_URIS: z.string().optional(),
  OAUTH_LINK_VERIFIED_EMAIL: z.enum(["true", "false"]),
  RATE_LIMIT_OAUTH_PER_IP: rate,
  OAUTH_GOOGLE_CLIENT_ID: z.string().min(1).max(256).optional(),
  OAUTH_GOOGLE_CLIENT_SECRET: z.string().min(1).max(512).optional(),
  OAUTH_GOOGLE_ISSUER: endpoint,
  OAUTH_LINKEDIN_CLIENT_ID: z.string().min(1).max(256).optional(),
  OAUTH_LINKEDIN_CLIENT_SECRET: z.string().min(1).max(512).optional(),
  OAUTH_LINKEDIN_ISSUER: endpoint,
  OAUTH_GITHUB_CLIENT_ID: z.string().min(1).max(256).optional(),
  OAUTH_GITHUB_CLIENT_SECRET: z.string().min(1).max(512).optional(),
  OAUTH_GITHUB_URL: endpoint,
  OAUTH_GITHUB_API_URL: endpoint,
  // JSON: [{"id":"acme","issuer":"https://idp.acme.example","name":"Acme SSO","scopes":[...]}];
  // each one's client id and secret are OAUTH_<ID>_CLIENT_ID / _CLIENT_SECRET.
  OAUTH_OIDC_PROVIDERS: z.string().max(8_192).optional(),
};

export const socialConfig = defineConfigPart({
  name: "social",
  variables,
  limits: { oauth_ip: "RATE_LIMIT_OAUTH_PER_IP" },
  build(e) {
    // The generic providers' client variables are named after their ids, so
    // they are read from the whole environment rather than declared above.
    const env = e as unknown as Record<string, unknown>;
    const problems: Record<string, string> = {};
    const providers: ProviderSettings[] = [];
    const trimmed = (v: string) => v.replace(/\/+$/, "");

    const add = (
      id: string,
      settings: Omit<ProviderSettings, "id" | "clientId" | "clientSecret">,
    ): void => {
      const idVar = clientVariable(id, "CLIENT_ID");
      const secretVar = clientVariable(id, "CLIENT_SECRET");
      const clientId = env[idVar];
      const clientSecret = env[secretVar];
      if (clientId === undefined) return; // no client id: the provider is off
      if (typeof clientId !== "string" || !/^[\x21-\x7e]{1,256}$/.test(clientId)) {
        problems[idVar] = "must be 1–256 printable characters";
        return;
      }
      if (typeof clientSecret !== "string" || !/^[\x21-\x7e]{1,512}$/.test(clientSecret)) {
        problems[secretVar] =
          `must be set while ${idVar} is (a secret of 1–512 printable characters)`;
        return;
      }
      providers.push({ id, clientId, clientSecret, ...settings });
    };

    add("google", {
      label: "Google",
      kind: "oidc",
      issuer: trimmed(e.OAUTH_GOOGLE_ISSUER),
      scopes: ["openid", "email", "profile"],
      apiUrl: "",
    });
    add("linkedin", {
      label: "LinkedIn",
      kind: "oidc",
      // LinkedIn changed its issuer once and broke clients that hard-coded it:
      // it comes from configuration, and discovery must agree with it.
      issuer: trimmed(e.OAUTH_LINKEDIN_ISSUER),
      scopes: ["openid", "email", "profile"],
      apiUrl: "",
    });
    add("github", {
      label: "GitHub",
      kind: "github",
      issuer: trimmed(e.OAUTH_GITHUB_URL),
      // read:user for the profile, user:email for the private addresses and
      // their verified flags (GET /user/emails).
      scopes: ["read:user", "user:email"],
      apiUrl: trimmed(e.OAUTH_GITHUB_API_URL),
    });

    if (e.OAUTH_OIDC_PROVIDERS !== undefined) {
      let list: z.infer<typeof genericProviders> | null = null;
      try {
        const parsed = genericProviders.safeParse(JSON.parse(e.OAUTH_OIDC_PROVIDERS));
        list = parsed.success ? parsed.data : null;
      } catch {
        list = null;
      }
      const ids = list?.map((p) => p.id) ?? [];
      if (
        list === null ||
        new Set(ids).size !== ids.length ||
        ids.some((id) => (BUILT_IN as readonly string[]).includes(id))
      ) {
        problems.OAUTH_OIDC_PROVIDERS =
          "must be a JSON array of {id, issuer, name?, scopes?}: ids distinct, [a-z][a-z0-9-]*, " +
          "not a built-in provider; issuers https (http only on loopback)";
      } else {
        for (const p of list) {
          const scopes = p.scopes ?? ["openid", "email", "profile"];
          add(p.id, {
            label: p.name ?? p.id,
            kind: "oidc",
            issuer: trimmed(p.issuer),
            scopes: scopes.includes("openid") ? scopes : ["openid", ...scopes],
            apiUrl: "",
          });
        }
      }
    }

    const redirectUris = parseRedirectUris(e.OAUTH_REDIRECT_URIS);
    if (redirectUris === null) {
      problems.OAUTH_REDIRECT_URIS =
        "must be comma-separated absolute URIs without fragments (http only on loopback)";
    } else if (providers.length > 0 && redirectUris.length === 0) {
      problems.OAUTH_REDIRECT_URIS = "must list at least one URI while a provider is on";
    }
    if (Object.keys(problems).length > 0) throw new ConfigError(problems);
    return {
      social: {
        providers,
        redirectUris: redirectUris ?? [],
        linkVerifiedEmail: e.OAUTH_LINK_VERIFIED_EMAIL === "true",
      },
    };
  },
});
