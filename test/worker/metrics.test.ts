// Data points for the operators' dashboards (docs/operations.md): every auth
// event becomes one (sign-ins by method and outcome, MFA, refreshes, reuse,
// providers), and the error funnel adds rate-limit hits and 503s by
// dependency. The test stack's sink (dev/stack/metrics-sink.ts) stands in for
// Analytics Engine and checks each point against the binding's limits.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  callWithEnv,
  GOOD_PASSWORD,
  insideOneWindow,
  loginWith,
  postJson,
  randomClientIp,
} from "./helpers";
import { familySql, login, newUser, refresh } from "./session-helpers";
import { appCode, oidcAccount } from "./social-helpers";

interface Point {
  indexes: string[];
  blobs: string[];
  doubles: number[];
}

async function points(): Promise<Point[]> {
  const res = await fetch(env.METRICS_SINK_URL);
  expect(res.status).toBe(200);
  return (await res.json()) as Point[];
}

/** The points written while `action` ran (call() waits for the request's background work). */
async function pointsOf(action: () => Promise<unknown>): Promise<Array<[string, string, string]>> {
  const before = (await points()).length;
  await action();
  return (await points()).slice(before).map((p) => {
    expect(p.indexes).toEqual([p.blobs[0]]);
    expect(p.doubles).toEqual([1]);
    return p.blobs as [string, string, string];
  });
}

describe("auth events as data points", () => {
  it("a password sign-in by method, a failure by reason; no address or id in any point", async () => {
    const user = await newUser("metrics");
    const ok = await pointsOf(() => login(user.email));
    expect(ok).toEqual(
      expect.arrayContaining([
        ["token_issued", "password", ""],
        ["login_succeeded", "", ""],
      ]),
    );
    const failed = await pointsOf(() => loginWith(user.email, "not the right password at all"));
    expect(failed).toContainEqual(["login_failed", "", "invalid_credentials"]);
    const all = JSON.stringify([...ok, ...failed]);
    expect(all).not.toContain(user.email);
    expect(all).not.toContain(user.id);
  });

  it("refreshes, and a reuse detection", async () => {
    const user = await newUser("metrics-refresh");
    const first = await login(user.email);
    const rotated = await pointsOf(() => refresh(first.refresh_token));
    expect(rotated).toContainEqual(["token_refreshed", "", ""]);
    // A second use outside the grace window is a reuse: the family is revoked.
    // The first token again, 11 s after its rotation (the grace window is 10 s): a reuse.
    await familySql(
      first.refresh_token,
      "UPDATE tokens SET rotated_at = rotated_at - 11000 WHERE generation = 1",
    );
    const reuse = await pointsOf(() => refresh(first.refresh_token));
    expect(reuse.map((p) => p[0])).toEqual(
      expect.arrayContaining(["refresh_reuse_detected", "family_revoked"]),
    );
  });

  it("a social sign-in names its provider", async () => {
    const account = await oidcAccount("google");
    const { code, verifier } = await appCode("google", account);
    const written = await pointsOf(() =>
      postJson("/v1/oauth/token", { code, code_verifier: verifier }),
    );
    expect(written).toContainEqual(["social_login_succeeded", "google", ""]);
    expect(written).toContainEqual(["token_issued", "social", ""]);
  });
});

describe("the error funnel's data points", () => {
  it("a rate-limit hit names the route", async () => {
    await insideOneWindow(60, 5);
    const ip = randomClientIp();
    const register = () =>
      callWithEnv({ RATE_LIMIT_REGISTER_PER_IP: "1/60" }, "/v1/register", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": ip },
        body: JSON.stringify({
          email: `m-${crypto.randomUUID()}@example.test`,
          password: GOOD_PASSWORD,
        }),
      });
    await register();
    const written = await pointsOf(async () => expect((await register()).status).toBe(429));
    expect(written).toContainEqual(["rate_limited", "/v1/register", ""]);
  });

  it("a 503 names the dependency that failed", async () => {
    const written = await pointsOf(async () => {
      const res = await callWithEnv(
        { NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" },
        "/v1/login",
        {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": randomClientIp() },
          body: JSON.stringify({ email: "nobody@example.test", password: GOOD_PASSWORD }),
        },
      );
      expect(res.status).toBe(503);
    });
    expect(written.filter((p) => p[0] === "unavailable").map((p) => p[2])).toEqual(["postgres"]);
  });
});
