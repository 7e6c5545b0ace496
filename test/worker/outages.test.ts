// Dependency outages, for real: the test stack's outage bridges are stopped and
// started again on the same port while the Worker under test is pointed at them.
// Each outage has a documented behaviour (docs/security.md): a 503 with
// Retry-After or a justified fail-open, nothing half-written, and recovery
// without any manual step.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { AuthService } from "../../src/rpc";
import { ADMIN, callWithEnv, GOOD_PASSWORD, uniqueEmail } from "./helpers";
import { login, newUser } from "./session-helpers";

const outage = inject("outage");
const control = (dep: "neon" | "upstash", action: "stop" | "start") =>
  fetch(`${outage.controlUrl}/${dep}/${action}`, { method: "POST" }).then((r) =>
    expect(r.status).toBe(204),
  );

const viaOutageRedis = { UPSTASH_REDIS_REST_URL: outage.upstashUrl };
// The same database under another host name: the Neon driver picks its endpoint
// by host (src/adapters/postgres/client.ts), so only these requests use the
// outage bridge while everything else in the isolate keeps the shared one.
const viaOutagePostgres = {
  NEON_FETCH_ENDPOINT: outage.neonFetchEndpoint,
  DATABASE_URL: env.DATABASE_URL.replace("127.0.0.1", "localhost"),
};
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function expect503(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(await res.json()).toEqual({
    error: "temporarily_unavailable",
    error_description: expect.any(String),
  });
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

afterEach(async () => {
  await control("neon", "start");
  await control("upstash", "start");
});

describe("Redis unreachable", () => {
  it("fails login, registration and online token checks closed, writes nothing, and recovers", async () => {
    const user = await newUser("outage");
    const pair = await login(user.email);
    const email = uniqueEmail("outage");
    await control("upstash", "stop");

    await expect503(
      await callWithEnv(
        viaOutageRedis,
        "/v1/login",
        json({ email: user.email, password: GOOD_PASSWORD }),
      ),
    );
    await expect503(
      await callWithEnv(viaOutageRedis, "/v1/register", json({ email, password: GOOD_PASSWORD })),
    );
    await expect503(
      await callWithEnv(viaOutageRedis, "/v1/me", {
        headers: { authorization: `Bearer ${pair.access_token}` },
      }),
    );
    // The other online checks and the admin API fail closed too (docs/security.md).
    const rpc = new AuthService(createExecutionContext(), { ...env, ...viaOutageRedis } as Env);
    const logged = vi.spyOn(console, "error");
    expect(await rpc.verify(pair.access_token)).toEqual({
      ok: false,
      error: "temporarily_unavailable",
    });
    const line = logged.mock.calls.map(([l]) => String(l)).find((l) => l.includes("verify failed"));
    logged.mockRestore();
    expect(line).toBeDefined();
    expect(line).not.toContain(pair.access_token);
    expect(await rpc.introspect(pair.access_token)).toEqual({ active: false });
    await expect503(
      await callWithEnv(viaOutageRedis, "/v1/introspect", {
        method: "POST",
        headers: {
          authorization: `Bearer ${"s".repeat(40)}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token: pair.access_token }).toString(),
      }),
    );
    await expect503(await callWithEnv(viaOutageRedis, "/v1/admin/stats", { headers: ADMIN }));
    const ready = await callWithEnv(viaOutageRedis, "/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { postgres: "ok", redis: "unavailable" } });
    expect((await callWithEnv(viaOutageRedis, "/health")).status).toBe(200);

    await control("upstash", "start");
    // Nothing was half-written: the email is still free, and everything works again.
    expect(
      (await callWithEnv(viaOutageRedis, "/v1/register", json({ email, password: GOOD_PASSWORD })))
        .status,
    ).toBe(201);
    expect(
      (await callWithEnv(viaOutageRedis, "/v1/login", json({ email, password: GOOD_PASSWORD })))
        .status,
    ).toBe(200);
    expect(
      (
        await callWithEnv(viaOutageRedis, "/v1/me", {
          headers: { authorization: `Bearer ${pair.access_token}` },
        })
      ).status,
    ).toBe(200);
  });
});

describe("Postgres unreachable", () => {
  it("fails login and registration with 503, writes nothing, and recovers", async () => {
    const user = await newUser("outage");
    const email = uniqueEmail("outage");
    await control("neon", "stop");

    await expect503(
      await callWithEnv(
        viaOutagePostgres,
        "/v1/login",
        json({ email: user.email, password: GOOD_PASSWORD }),
      ),
    );
    await expect503(
      await callWithEnv(
        viaOutagePostgres,
        "/v1/register",
        json({ email, password: GOOD_PASSWORD }),
      ),
    );
    const ready = await callWithEnv(viaOutagePostgres, "/ready");
    expect(await ready.json()).toMatchObject({ checks: { postgres: "unavailable", redis: "ok" } });

    await control("neon", "start");
    expect(
      (
        await callWithEnv(
          viaOutagePostgres,
          "/v1/register",
          json({ email, password: GOOD_PASSWORD }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await callWithEnv(
          viaOutagePostgres,
          "/v1/login",
          json({ email: user.email, password: GOOD_PASSWORD }),
        )
      ).status,
    ).toBe(200);
  });

  it("keeps refresh working: rotation needs only the family's object and Redis", async () => {
    const user = await newUser("outage");
    const pair = await login(user.email);
    await control("neon", "stop");
    const res = await callWithEnv(
      viaOutagePostgres,
      "/v1/token/refresh",
      json({ refresh_token: pair.refresh_token }),
    );
    expect(res.status).toBe(200);
    const next = (await res.json()) as { refresh_token: string };
    expect(next.refresh_token).not.toBe(pair.refresh_token);
  });
});
