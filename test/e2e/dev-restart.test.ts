// `npm run dev` stopped and started again on one data folder keeps what the
// Worker stored; a wiped data folder starts again from nothing, Durable
// Objects included.
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DevProcess,
  json,
  type LaunchOptions,
  newDataDir,
  startDev,
  workerEnvFiles,
} from "./dev-process.ts";

const password = "an e2e password that is long";
// Given in the environment, so this test does not depend on the keys npm run dev generates.
const ADMIN_API_KEY = "e2e-admin-key-0123456789-0123456789-0123456789";
const env = { ADMIN_API_KEY };

async function login(base: string, email: string) {
  const res = await fetch(`${base}/v1/login`, json({ email, password }));
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

const me = (base: string, token: string) =>
  fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });

async function auditVerify(base: string): Promise<unknown> {
  // Audit heads flush to Postgres off the request path; verify waits for nothing,
  // so ask until the answer settles on ok (or give the last answer).
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${base}/v1/admin/audit/verify`, {
      headers: { authorization: `Bearer ${ADMIN_API_KEY}` },
    });
    const body = await res.json();
    if ((body as { ok?: boolean }).ok === true || Date.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("npm run dev restarted on the same data folder", () => {
  const dataDir = newDataDir();
  // Every server started here, so that one left running by a failed assertion is stopped too.
  const started: DevProcess[] = [];
  const start = async (options: LaunchOptions) => {
    const dev = await startDev(options);
    started.push(dev);
    return dev;
  };
  afterAll(async () => {
    for (const dev of started) await dev.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("still refuses an access token logged out before the restart (revocations are kept)", async () => {
    let dev = await start({ dataDir, env });
    // The same port again after the restart: the issuer follows it.
    const port = dev.port;
    const email = `e2e-restart-${Date.now()}@example.test`;
    const other = `e2e-restart-other-${Date.now()}@example.test`;
    for (const address of [email, other]) {
      const res = await fetch(`${dev.base}/v1/register`, json({ email: address, password }));
      expect(res.status).toBe(201);
    }
    const kept = (await login(dev.base, other)).access_token;
    const { access_token } = await login(dev.base, email);
    expect((await me(dev.base, access_token)).status).toBe(200);
    const out = await fetch(`${dev.base}/v1/logout-all`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(out.status).toBe(204);
    expect((await me(dev.base, access_token)).status).toBe(401);
    expect(workerEnvFiles(dataDir)).toHaveLength(1);
    await dev.stop();
    // The Worker's variables, secrets among them, do not outlive the server.
    expect(workerEnvFiles(dataDir)).toEqual([]);

    dev = await start({ dataDir, env, port });
    // A token nobody logged out is still good, so a refusal below is the revocation's doing.
    expect((await me(dev.base, kept)).status).toBe(200);
    // Regression: the dev redis-server kept nothing, so the token came back to life.
    expect((await me(dev.base, access_token)).status).toBe(401);
    // What the database holds is there too: the account still logs in.
    await login(dev.base, email);
    await dev.stop();
  }, 240_000);

  it("starts from nothing after the data folder is wiped: audit chains verify, old refresh tokens are unknown", async () => {
    let dev = await start({ dataDir, env });
    const email = `e2e-wipe-${Date.now()}@example.test`;
    expect((await fetch(`${dev.base}/v1/register`, json({ email, password }))).status).toBe(201);
    const { refresh_token } = await login(dev.base, email);
    expect(await auditVerify(dev.base)).toMatchObject({ ok: true });
    await dev.stop();

    rmSync(dataDir, { recursive: true, force: true });
    dev = await start({ dataDir, env });
    // Regression: Durable Object state stayed in the checkout's .wrangler/state,
    // so the audit heads of the wiped database made every chain `truncated`
    // and its refresh families still answered.
    expect(await auditVerify(dev.base)).toMatchObject({ ok: true });
    const refreshed = await fetch(`${dev.base}/v1/token/refresh`, json({ refresh_token }));
    expect(refreshed.status).toBe(400);
    expect(await refreshed.json()).toMatchObject({ error: "invalid_grant" });
  }, 240_000);
});
