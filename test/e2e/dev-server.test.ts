// Black box: `npm run dev` as a new user runs it (zero configuration, embedded
// Postgres; Redis from redis-server, and once more with the in-memory dev
// fallback), then the register → login → refresh → /v1/me flow over HTTP, and
// the access token verified by an independent JOSE implementation (fast-jwt,
// not jose) against the published JWKS.
import { type ChildProcess, spawn } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createVerifier } from "fast-jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../dev/stack/ports.ts";

interface DevServer {
  base: string;
  output(): string;
  stop(): Promise<void>;
}

async function startDev(env: Record<string, string>): Promise<DevServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "edge-auth-e2e-"));
  let output = "";
  const child: ChildProcess = spawn("npm", ["run", "dev"], {
    env: {
      ...process.env,
      PORT: String(port),
      DEV_DATA_DIR: dataDir,
      DATABASE_URL: "",
      REDIS_URL: "",
      // A free port for the mail sink, so a developer's own dev server on 8025 does not clash.
      MAIL_SINK_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm run dev did not answer in time:\n${output}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    output: () => output,
    async stop() {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe.each([
  ["redis-server", {}],
  ["the in-memory Redis fallback", { DEV_REDIS: "memory" }],
])("npm run dev with %s", (redisName, env) => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDev(env);
  }, 120_000);
  afterAll(() => dev?.stop());

  it("is ready with its embedded Postgres and its Redis", async () => {
    const res = await fetch(`${dev.base}/ready`);
    expect(await res.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
    if (redisName.includes("memory")) expect(dev.output()).toContain("DEV-ONLY in-memory fallback");
  });

  it("captures a registration's verification mail in the local sink, through the queue", async () => {
    const sink = /read it at (http:\/\/127\.0\.0\.1:\d+)\/messages/.exec(dev.output())?.[1];
    expect(sink).toBeDefined();
    const email = `e2e-mail-${Date.now()}@example.test`;
    const password = "an e2e password that is long";
    expect((await fetch(`${dev.base}/v1/register`, json({ email, password }))).status).toBe(201);
    const deadline = Date.now() + 20_000;
    type Mail = { to: string[]; subject: string; text: string };
    let mail: Mail | undefined;
    while (!mail && Date.now() < deadline) {
      const all = (await (await fetch(`${sink}/messages`)).json()) as Mail[];
      mail = all.find((m) => m.to.includes(email));
      if (!mail) await new Promise((r) => setTimeout(r, 250));
    }
    expect(mail?.subject).toBe("Confirm your email address");
    const token = /verify-email\?token=([\w-]{43})/.exec(mail?.text ?? "")?.[1];
    const verified = await fetch(`${dev.base}/v1/email/verify`, json({ token }));
    expect(verified.status).toBe(200);
  });

  it("registers, logs in, refreshes and serves /v1/me; the token verifies with fast-jwt against the JWKS", async () => {
    const { base } = dev;
    const email = `e2e-${Date.now()}@example.test`;
    const password = "an e2e password that is long";
    expect((await fetch(`${base}/v1/register`, json({ email, password }))).status).toBe(201);
    const login = await fetch(`${base}/v1/login`, json({ email, password }));
    expect(login.status).toBe(200);
    const first = (await login.json()) as { refresh_token: string };
    const refreshed = await fetch(
      `${base}/v1/token/refresh`,
      json({ refresh_token: first.refresh_token }),
    );
    expect(refreshed.status).toBe(200);
    const { access_token } = (await refreshed.json()) as { access_token: string };

    const me = await fetch(`${base}/v1/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(((await me.json()) as { email: string }).email).toBe(email);

    const { keys } = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    const kid = JSON.parse(
      Buffer.from(access_token.split(".")[0] as string, "base64url").toString(),
    ).kid;
    const jwk = keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const pem = createPublicKey({ key: jwk as never, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    const verify = createVerifier({
      key: pem.toString(),
      algorithms: ["EdDSA"],
      allowedIss: base,
      allowedAud: "edge-auth",
    });
    expect(verify(access_token)).toMatchObject({
      iss: base,
      aud: "edge-auth",
      client_id: "first-party",
    });

    // The same verifier rejects a token whose payload was altered.
    const [h, p, s] = access_token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, sub: "x" })).toString("base64url");
    expect(() => verify(`${h}.${altered}.${s}`)).toThrow();
  });
});
