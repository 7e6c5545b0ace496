// What the dev server prints once the Worker answers: where things are and how
// to call the routes that need a key. The keys are dev-only (.dev.vars) and go
// to this terminal only; one set in the environment is named, not printed.

/** A POSIX shell word for `value`. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface UsageFacts {
  base: string;
  vars: Record<string, string>;
  /** Names whose value came from the environment (shown as $NAME, not printed). */
  fromEnvironment: ReadonlySet<string>;
  database: string;
  stateDir: string;
  mailbox?: string;
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
