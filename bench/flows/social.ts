// Social login against the bench's local OpenID Connect provider
// (bench/oidc-provider.ts): people at the provider, each signed in once (the
// first callback makes the account and links the identity), then flows
// prepared up to the callback: our start (GET /v1/oauth/{provider}/authorize),
// then the provider, followed as a browser would with that person's cookies
// (their session and consent stay, so it answers at once, as Google does for a
// returning user), until it redirects back to our callback. The callback is
// what is loaded: the code exchange at the provider, the ID token's checks,
// the account, the session.
import { randomUUID } from "node:crypto";
import { baseHeaders, uniqueEmail } from "../api.ts";
import { type Client, createClient, type JsonResponse } from "../load/client.ts";
import { BENCH_PROVIDER, type BenchProvider, FLOW_HOST } from "../oidc-provider.ts";
import { mapLimit } from "./accounts.ts";

/** A person at the provider and their browser's cookies there. */
interface Person {
  sub: string;
  jar: Map<string, string>;
}

export interface SocialPeople {
  people: Person[];
  /** Where our flows end (the first of OAUTH_REDIRECT_URIS): browser mode. */
  redirectUri: string;
}

/** A flow that has come back from the provider: our callback's path and the flow cookie. */
export interface PreparedCallback {
  path: string;
  cookie: string;
}

/** Headers of a request to the main worker within a flow (see FLOW_HOST). */
export const flowHeaders = (extra: Record<string, string> = {}) => ({ host: FLOW_HOST, ...extra });

const cookieOf = (res: JsonResponse, name: string): string | null => {
  for (const line of res.headers["set-cookie"] ?? []) {
    const m = new RegExp(`^${name}=([^;]+)`).exec(line);
    if (m?.[1]) return m[1];
  }
  return null;
};

/** Our callback's answer is a sign-in: a 303 to the redirect URI with no error, the cookie set. */
export function signedIn(res: JsonResponse, redirectUri: string): boolean {
  const location = String(res.headers.location ?? "");
  return (
    res.status === 303 &&
    location.startsWith(redirectUri) &&
    !/[?&]error=/.test(location) &&
    cookieOf(res, "__Host-refresh") !== null
  );
}

async function start(client: Client, people: SocialPeople, person: Person) {
  const query = new URLSearchParams({ redirect_uri: people.redirectUri, login_hint: person.sub });
  const res = await client.get(`/v1/oauth/${BENCH_PROVIDER}/authorize?${query}`, flowHeaders());
  const cookie = cookieOf(res, "__Host-oauth-flow");
  if (res.status !== 302 || !cookie || !res.headers.location) {
    throw new Error(`social start: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  }
  return { location: res.headers.location, cookie };
}

/** The browser at the provider: follows its redirects, keeping its cookies, back to our host. */
async function throughProvider(location: string, person: Person): Promise<string> {
  let url = location;
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(`http://${FLOW_HOST}/`)) return url.slice(`http://${FLOW_HOST}`.length);
    const res = await fetch(url, {
      redirect: "manual",
      headers: { cookie: [...person.jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) person.jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    const next = res.headers.get("location");
    await res.arrayBuffer();
    if (!next) throw new Error(`provider stopped at ${new URL(url).pathname} with ${res.status}`);
    url = new URL(next, url).href;
  }
  throw new Error("too many redirects at the provider");
}

async function prepareOne(client: Client, people: SocialPeople, person: Person) {
  const started = await start(client, people, person);
  return { path: await throughProvider(started.location, person), cookie: started.cookie };
}

/** Our callback for a prepared flow, as the browser that started it arrives there. */
export const callback = (client: Client, flow: PreparedCallback) =>
  client.get(flow.path, flowHeaders({ cookie: `__Host-oauth-flow=${flow.cookie}` }));

/** `n` people at the provider, each signed in to us once (their accounts now exist). */
export async function socialPeople(opts: {
  main: string;
  provider: BenchProvider;
  n: number;
  /** OAUTH_REDIRECT_URIS of the Worker. */
  redirectUris: string;
}): Promise<SocialPeople> {
  const redirectUri = opts.redirectUris.split(",")[0]?.trim() ?? "";
  const people: SocialPeople = { people: [], redirectUri };
  const client = createClient(opts.main, 4, baseHeaders);
  try {
    people.people = await mapLimit(Array.from({ length: opts.n }), 4, async () => {
      const person: Person = { sub: `bench-${randomUUID()}`, jar: new Map() };
      await opts.provider.addAccount({
        sub: person.sub,
        email: uniqueEmail("social"),
        email_verified: true,
      });
      const res = await callback(client, await prepareOne(client, people, person));
      if (!signedIn(res, redirectUri)) {
        throw new Error(`first social sign-in: ${res.status} ${res.headers.location ?? ""}`);
      }
      return person;
    });
    return people;
  } finally {
    client.close();
  }
}

/** `n` flows up to their callback, round-robin over the people, oldest first. */
export async function prepareCallbacks(
  main: string,
  people: SocialPeople,
  n: number,
): Promise<PreparedCallback[]> {
  const client = createClient(main, 4, baseHeaders);
  try {
    return await mapLimit(Array.from({ length: n }), 4, (_, i) =>
      prepareOne(client, people, people.people[i % people.people.length] as Person),
    );
  } finally {
    client.close();
  }
}
