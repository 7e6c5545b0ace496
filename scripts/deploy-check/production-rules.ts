// What a configuration must also satisfy to go live, beyond what the Worker's
// parser accepts (it also runs `npm run dev` and the tests, which use local
// addresses on purpose). A finding names the variable and the rule, never the value.
import { DEV_ONLY_SECRETS } from "./secret-specs.ts";

export interface Finding {
  variable: string;
  problem: string;
}

export interface ProductionFindings {
  errors: Finding[];
  warnings: Finding[];
}

/**
 * Loopback and unspecified addresses, and the names reserved for testing,
 * documentation and the local link: RFC 2606 §2–3 (.test, .example, .invalid,
 * .localhost, example.com/.net/.org), RFC 6761 §6.3 (localhost) and RFC 6762
 * (.local). None of them is a production address.
 */
export function isReservedHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  if (host === "" || host === "0.0.0.0" || host === "::" || host === "::1") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (/(^|\.)(localhost|test|example|invalid|local)$/.test(host)) return true;
  return /(^|\.)example\.(com|net|org)$/.test(host);
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined; // malformed: the Worker's parser reports it
  }
}

/** The https URLs a deployment must point at public hosts, and what each is for. */
const PUBLIC_HTTPS_URLS: Record<string, string> = {
  ISSUER: "the `iss` of every access token, which verifiers pin",
  APP_BASE_URL: "where the links in mails point",
  UPSTASH_REDIS_REST_URL: "carries the Redis token",
  PWNED_PASSWORDS_URL: "receives hash prefixes of new passwords",
  TURNSTILE_VERIFY_URL: "receives the Turnstile secret",
};

/**
 * The production rules. `values` holds what the deployment sets (vars and the
 * secrets given), unset names absent. `EMAIL_API_KEY` turns the email rules on.
 */
export function productionFindings(values: Readonly<Record<string, string>>): ProductionFindings {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const emailOn = values.EMAIL_API_KEY !== undefined;

  const publicHttps = (variable: string, purpose: string) => {
    const raw = values[variable];
    const url = raw === undefined ? undefined : parseUrl(raw);
    if (!url) return;
    const faults = [
      ...(url.protocol === "https:" ? [] : ["is not https"]),
      ...(isReservedHost(url.hostname) ? ["points at a loopback, local or reserved host"] : []),
    ];
    if (faults.length > 0)
      errors.push({
        variable,
        problem: `${faults.join(" and ")}: set the public https URL (${purpose})`,
      });
  };
  for (const [variable, purpose] of Object.entries(PUBLIC_HTTPS_URLS))
    publicHttps(variable, purpose);
  if (emailOn) publicHttps("EMAIL_API_URL", "the mail provider, sent the API key");

  const from = values.EMAIL_FROM;
  const fromDomain = from === undefined ? undefined : /@([^\s@<>]+)>?\s*$/.exec(from)?.[1];
  if (fromDomain !== undefined && isReservedHost(fromDomain)) {
    const problem =
      "is an address at a reserved domain: use one of a domain verified with the provider";
    if (emailOn) errors.push({ variable: "EMAIL_FROM", problem });
    else
      warnings.push({ variable: "EMAIL_FROM", problem: `${problem} before setting EMAIL_API_KEY` });
  }

  for (const variable of DEV_ONLY_SECRETS)
    if (values[variable] !== undefined)
      errors.push({
        variable,
        problem: "is for local development and tests only: unset it (`npx wrangler secret delete`)",
      });

  for (const variable of ["DATABASE_URL", "AUDIT_DATABASE_URL"]) {
    const raw = values[variable];
    const url = raw === undefined ? undefined : parseUrl(raw);
    if (url && isReservedHost(url.hostname))
      errors.push({
        variable,
        problem: "points at a loopback, local or reserved host: use the Neon connection string",
      });
  }
  if (values.DATABASE_URL !== undefined && values.AUDIT_DATABASE_URL === undefined)
    warnings.push({
      variable: "AUDIT_DATABASE_URL",
      problem:
        "unset: the audit heads write with DATABASE_URL's role; docs/audit.md recommends an INSERT/SELECT-only one",
    });

  const origins = (values.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  origins.forEach((origin, i) => {
    const url = parseUrl(origin);
    const which = `entry ${i + 1} of ${origins.length}`;
    if (!url) return;
    if (url.protocol !== "https:")
      errors.push({
        variable: "ALLOWED_ORIGINS",
        problem: `${which} is not https (cookie mode's __Host- cookie is Secure-only)`,
      });
    else if (isReservedHost(url.hostname))
      errors.push({
        variable: "ALLOWED_ORIGINS",
        problem: `${which} is a loopback, local or reserved host`,
      });
  });

  return { errors, warnings };
}
