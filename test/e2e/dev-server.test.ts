// Black box: `npm run dev` as a new user runs it (zero configuration, embedded
// Postgres), then the register → login → /v1/me flow over HTTP, and the access
// token verified by an independent JOSE implementation (fast-jwt, not jose)
// against the published JWKS.
import { type ChildProcess, spawn } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createVerifier } from "fast-jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../dev/stack/ports.ts";

let child: ChildProcess;
let base: string;
let output = "";
const dataDir = mkdtempSync(path.join(tmpdir(), "edge-auth-e2e-"));

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm run dev did not answer within ${timeoutMs} ms:\n${output}`);
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn("npm", ["run", "dev"], {
    env: {
      ...process.env,
      PORT: String(port),
      DEV_DATA_DIR: dataDir,
      DATABASE_URL: "",
      REDIS_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  await waitForHealth(base, 90_000);
}, 120_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    process.kill(-child.pid, "SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("npm run dev", () => {
  it("is ready with its embedded Postgres and Redis", async () => {
    const res = await fetch(`${base}/ready`);
    expect(await res.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok" } });
  });

  it("registers, logs in and serves /v1/me; the token verifies with fast-jwt against the JWKS", async () => {
    const email = `e2e-${Date.now()}@example.test`;
    const password = "an e2e password that is long";
    expect((await fetch(`${base}/v1/register`, json({ email, password }))).status).toBe(201);
    const login = await fetch(`${base}/v1/login`, json({ email, password }));
    expect(login.status).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };

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
    const claims = verify(access_token) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: base, aud: "edge-auth", client_id: "first-party" });

    // The same verifier rejects a token whose payload was altered.
    const [h, p, s] = access_token.split(".") as [string, string, string];
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "x" }),
    ).toString("base64url");
    expect(() => verify(`${h}.${altered}.${s}`)).toThrow();
  });
});
