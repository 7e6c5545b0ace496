// Just enough of a browser for the e2e tests to click through a redirect flow
// with Node's fetch: redirects followed one at a time (each response is kept),
// and cookies kept per host name as browsers do (not per port), sent by path.

export interface Hop {
  url: string;
  method: string;
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

interface StoredCookie {
  value: string;
  path: string;
}

export class CookieJar {
  private readonly hosts = new Map<string, Map<string, StoredCookie>>();

  store(url: string, setCookies: readonly string[]): void {
    const { hostname } = new URL(url);
    const cookies = this.hosts.get(hostname) ?? new Map<string, StoredCookie>();
    this.hosts.set(hostname, cookies);
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = "/";
      let expired = value === "";
      for (const attribute of attributes) {
        const [key = "", val = ""] = attribute.split("=");
        if (key.toLowerCase() === "path" && val.startsWith("/")) path = val;
        if (key.toLowerCase() === "max-age" && Number(val) <= 0) expired = true;
        if (key.toLowerCase() === "expires" && Date.parse(val) <= Date.now()) expired = true;
      }
      if (expired) cookies.delete(name);
      else cookies.set(name, { value, path });
    }
  }

  /** The Cookie header a browser would send to `url`, or undefined for none. */
  headerFor(url: string): string | undefined {
    const { hostname, pathname } = new URL(url);
    const matching = [...(this.hosts.get(hostname) ?? [])].filter(
      ([, cookie]) =>
        pathname === cookie.path ||
        pathname.startsWith(cookie.path.endsWith("/") ? cookie.path : `${cookie.path}/`),
    );
    return matching.length > 0
      ? matching.map(([name, cookie]) => `${name}=${cookie.value}`).join("; ")
      : undefined;
  }
}

/** One request as a browser sends it, the answer's cookies kept in `jar`. */
export async function visit(
  jar: CookieJar,
  url: string,
  init: { method?: string; form?: Record<string, string> } = {},
): Promise<Hop> {
  const headers: Record<string, string> = {};
  const cookie = jar.headerFor(url);
  if (cookie) headers.cookie = cookie;
  let body: string | undefined;
  if (init.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  }
  const method = init.method ?? (body === undefined ? "GET" : "POST");
  const res = await fetch(url, { method, headers, body, redirect: "manual" });
  const setCookies = res.headers.getSetCookie();
  jar.store(url, setCookies);
  const location = res.headers.get("location");
  return {
    url,
    method,
    status: res.status,
    location: location === null ? null : new URL(location, url).href,
    setCookies,
    body: await res.text(),
  };
}

/**
 * Follows redirects from `start` (and submits a page's form through `onPage`,
 * the way a person would) until a redirect leads to a URL that starts with
 * `until`, which is not visited. Returns that URL and every hop on the way.
 */
export async function followUntil(
  jar: CookieJar,
  start: string,
  until: string,
  onPage: (hop: Hop) => { url: string; form: Record<string, string> } | undefined = () => undefined,
  maxHops = 20,
): Promise<{ url: string; hops: Hop[] }> {
  const hops: Hop[] = [];
  let next: { url: string; form?: Record<string, string> } = { url: start };
  while (hops.length < maxHops) {
    const hop = await visit(jar, next.url, next.form ? { form: next.form } : {});
    hops.push(hop);
    if (hop.status >= 300 && hop.status < 400 && hop.location) {
      if (hop.location.startsWith(until)) return { url: hop.location, hops };
      next = { url: hop.location };
      continue;
    }
    const submit = hop.status === 200 ? onPage(hop) : undefined;
    if (!submit) break;
    next = submit;
  }
  const trail = hops.map((h) => `${h.method} ${h.url} -> ${h.status} ${h.location ?? ""}`);
  throw new Error(
    `never reached ${until}:\n${trail.join("\n")}\n${hops.at(-1)?.body.slice(0, 500) ?? ""}`,
  );
}
