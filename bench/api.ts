// The few API calls the phases make to set up users and sessions.
import { CLIENT_IP } from "./plan.ts";

export const PASSWORD = "a benchmark password, long enough";

export const baseHeaders = { "cf-connecting-ip": CLIENT_IP };

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = baseHeaders,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json };
}

export async function register(
  base: string,
  email: string,
  headers: Record<string, string> = baseHeaders,
): Promise<void> {
  const r = await postJson(`${base}/v1/register`, { email, password: PASSWORD }, headers);
  if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.json)}`);
}

export async function login(
  base: string,
  email: string,
  headers: Record<string, string> = baseHeaders,
): Promise<{ access: string; refresh: string }> {
  const r = await postJson(`${base}/v1/login`, { email, password: PASSWORD }, headers);
  if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.json)}`);
  return { access: r.json.access_token as string, refresh: r.json.refresh_token as string };
}

/** Fails loudly unless a GET answers `status`: a scenario must measure successes. */
export async function expectGet(
  url: string,
  headers: Record<string, string>,
  status = 200,
): Promise<void> {
  const res = await fetch(url, { headers: { ...baseHeaders, ...headers } });
  const text = await res.text();
  if (res.status !== status) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
}

/** The `sub` claim of one of our access tokens (read, not verified: the Worker issued it). */
export function subjectOf(accessToken: string): string {
  const payload = accessToken.split(".")[1] ?? "";
  const sub = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).sub;
  if (typeof sub !== "string") throw new Error("access token without sub");
  return sub;
}

export const uniqueEmail = (label: string) =>
  `bench-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;

/** A new account (PASSWORD), signed in once: its access token, also as an Authorization header. */
export async function newAccountBearer(
  base: string,
  label: string,
): Promise<{ email: string; access: string; bearer: { authorization: string } }> {
  const email = uniqueEmail(label);
  await register(base, email);
  const { access } = await login(base, email);
  return { email, access, bearer: { authorization: `Bearer ${access}` } };
}
