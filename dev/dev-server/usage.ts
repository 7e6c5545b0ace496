// What the dev server prints once the Worker answers: where things are and how
// to call the routes that need a key. The keys are dev-only (.dev.vars) and go
// to this terminal only; one set in the environment is named, not printed.

/** A POSIX shell word for `value`. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The local test provider and the demo app (dev-server/social.ts), when they run. */
export interface SocialUsage {
  /** The demo app's index page, with a sign-in link per provider. */
  demoUrl: string;
  providerName: string;
  issuer: string;
  /** The test user's address at the local provider. */
  email: string;
  /** The demo app's /signed-in URLs, which OAUTH_REDIRECT_URIS must list. */
  redirectUris: readonly string[];
  /** The demo app's passkey page, on localhost. */
  passkeysUrl?: string;
}

const listIn = (value: string | undefined) => (value ?? "").split(",").map((v) => v.trim());

export interface UsageFacts {
  base: string;
  vars: Record<string, string>;
  /** Names whose value came from the environment (shown as $NAME, not printed). */
  fromEnvironment: ReadonlySet<string>;
  database: string;
  stateDir: string;
  mailbox?: string;
  social?: SocialUsage | undefined;
}

/** The header a curl line sends; `fromShell` stands in for a key that came from the environment. */
function bearer(facts: UsageFacts, name: string, value: string, fromShell: string): string {
  return facts.fromEnvironment.has(name)
    ? `"authorization: Bearer ${fromShell}"`
    : shellQuote(`authorization: Bearer ${value}`);
}

export function usageLines(facts: UsageFacts): string[] {
  const { base, vars } = facts;
  const lines = [
    `ready on ${base}`,
    `  Postgres: ${facts.database}`,
    `  local state (Durable Objects, Redis data): ${facts.stateDir}`,
  ];
  if (facts.mailbox) lines.push(`  mail: read it at ${facts.mailbox}`);
  const { social } = facts;
  if (social) {
    const registered = listIn(vars.OAUTH_REDIRECT_URIS);
    if (social.redirectUris.every((u) => registered.includes(u))) {
      lines.push(
        `  social login: open ${social.demoUrl} and click "Sign in with ${social.providerName}"`,
        `  ${social.providerName} (${social.issuer}): sign in as ${social.email}`,
      );
    } else {
      // OAUTH_REDIRECT_URIS from the environment won over the demo app's.
      lines.push(
        `  social login: ${social.providerName} at ${social.issuer} (user ${social.email}); the demo app at ${social.demoUrl} is not in OAUTH_REDIRECT_URIS`,
      );
    }
    if (social.passkeysUrl) {
      const origin = new URL(social.passkeysUrl).origin;
      const allowed =
        listIn(vars.ALLOWED_ORIGINS).includes(origin) &&
        listIn(vars.WEBAUTHN_ORIGINS).includes(origin) &&
        vars.WEBAUTHN_RP_ID === "localhost";
      lines.push(
        allowed
          ? `  passkeys: open ${social.passkeysUrl} (an account, a passkey, cookie mode)`
          : `  passkeys: the demo page ${social.passkeysUrl} needs ${origin} in ALLOWED_ORIGINS and WEBAUTHN_ORIGINS, and WEBAUTHN_RP_ID=localhost`,
      );
    }
  }
  lines.push(
    `  cookie mode for ALLOWED_ORIGINS=${vars.ALLOWED_ORIGINS ?? ""}`,
    `  mail links to APP_BASE_URL=${vars.APP_BASE_URL ?? ""}`,
  );
  const admin = vars.ADMIN_API_KEY;
  if (admin) {
    lines.push(
      `  admin: curl -s ${base}/v1/admin/stats -H ${bearer(facts, "ADMIN_API_KEY", admin, "$ADMIN_API_KEY")}`,
    );
  }
  // A service presents the secret after "id:" as its Bearer key.
  const service = vars.INTROSPECTION_KEYS?.split(",")[0]?.split(":").slice(1).join(":");
  if (service) {
    // POSIX ${NAME#*:}: the value after the first colon.
    const header = bearer(facts, "INTROSPECTION_KEYS", service, "$" + "{INTROSPECTION_KEYS#*:}");
    lines.push(
      `  introspection: curl -s ${base}/v1/introspect -H ${header} -d "token=$ACCESS_TOKEN"`,
    );
  }
  return lines;
}
