// Measures what an attacker sees: the response time of a failed login for an
// unknown email, for one of our argon2id accounts, and for legacy accounts of
// each fixture scheme (docs/migration.md, "Timing"). Run against a service
// whose login limits are raised for the run, e.g.
//
//   ADMIN_API_KEY=… RATE_LIMIT_LOGIN_PER_IP=100000/60 \
//   RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT=100000/60 RATE_LIMIT_REGISTER_PER_IP=100/60 \
//   LEGACY_CUTOVER_AT=2026-01-01T00:00:00Z npm run dev
//   ADMIN_API_KEY=… EDGE_AUTH_URL=http://127.0.0.1:8787 node scripts/legacy-login-timing.ts
//
// Prints one line per class: median, 10th and 90th percentile in ms.
import { readFile } from "node:fs/promises";

const base = process.env.EDGE_AUTH_URL ?? "http://127.0.0.1:8787";
const key = process.env.ADMIN_API_KEY ?? "";
const samples = Number(process.env.SAMPLES ?? "25");
const run = Date.now().toString(36);

interface Fixture {
  name: string;
  password_hash: string;
  password_salt?: string;
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, base), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

async function timeFailedLogin(email: string): Promise<number> {
  const started = performance.now();
  const res = await post("/v1/login", JSON.stringify({ email, password: "definitely wrong pw" }));
  await res.arrayBuffer();
  if (res.status !== 401) throw new Error(`expected 401 for ${email}, got ${res.status}`);
  return performance.now() - started;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `median ${at(0.5).toFixed(0)} ms (p10 ${at(0.1).toFixed(0)}, p90 ${at(0.9).toFixed(0)})`;
}

async function main(): Promise<void> {
  const fixtures = JSON.parse(
    await readFile(new URL("../test/fixtures/legacy/users.json", import.meta.url), "utf8"),
  ) as Fixture[];
  const classes: Array<{ name: string; email: string }> = [
    { name: "unknown email (dummy argon2id)", email: `ghost-${run}@example.test` },
  ];
  const ours = `ours-${run}@example.test`;
  const reg = await post(
    "/v1/register",
    JSON.stringify({ email: ours, password: "a long enough timing password" }),
  );
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`);
  classes.push({ name: "argon2id account (ours)", email: ours });

  const records = fixtures.map((f, i) => ({
    email: `legacy-${run}-${i}@example.test`,
    password_hash: f.password_hash,
    ...(f.password_salt ? { password_salt: f.password_salt } : {}),
  }));
  const imported = await fetch(new URL("/v1/admin/users/import", base), {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-ndjson" },
    body: records.map((r) => JSON.stringify(r)).join("\n"),
  });
  if (imported.status !== 200) throw new Error(`import: ${imported.status}`);
  fixtures.forEach((f, i) => {
    classes.push({ name: f.name, email: records[i]?.email ?? "" });
  });

  // Warm up every path once (JIT, WASM instantiation), then interleave the classes.
  for (const c of classes) await timeFailedLogin(c.email);
  const times = new Map<string, number[]>(classes.map((c) => [c.name, []]));
  for (let i = 0; i < samples; i++) {
    for (const c of classes) times.get(c.name)?.push(await timeFailedLogin(c.email));
  }
  for (const c of classes) console.log(`${c.name.padEnd(62)} ${summary(times.get(c.name) ?? [])}`);
}

await main();
