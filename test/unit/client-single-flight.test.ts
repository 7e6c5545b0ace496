// @edge-auth/client's refresh logic against a stand-in service that is stricter than
// the real one: any refresh token but the current one revokes the family (no grace
// window), so a second refresh with the same token fails the test instead of being
// forgiven as an honest retry. Contexts (tabs) are stood in for by coordinationHub.
// The same flows run against the real dev server in test/e2e/client-sdk.test.ts and,
// across real browser tabs, in test/e2e/client-sdk-browser.test.ts.
import {
  AuthApiError,
  type Coordination,
  type CoordinationMessage,
  cookieModeStorage,
  coordinationHub,
  createAuthClient,
  memoryStorage,
  type Session,
  type SignedOutEvent,
  type TokenStorage,
} from "@edge-auth/client";
import { describe, expect, it } from "vitest";

const BASE = "https://auth.example.test";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/** One refresh family; the refresh cookie (cookie mode) is the jar's one value. */
function fakeService(options: { refreshDelayMs?: number; cookie?: boolean } = {}) {
  const state = {
    generation: 0,
    current: "rt0",
    revoked: false,
    cookie: options.cookie ? "rt0" : undefined,
    valid: new Set(["at0"]),
    refreshes: 0,
    refreshBodies: [] as unknown[],
    meCalls: 0,
    /** When set, /v1/me refuses every token (a retry must not loop). */
    refuseAll: false,
    /** When set, the next refresh fails at the network level. */
    networkDown: false,
  };
  async function fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/v1/token/refresh") {
      state.refreshes++;
      const body = (await request.json()) as { refresh_token?: string };
      state.refreshBodies.push(body);
      await sleep(options.refreshDelayMs ?? 20);
      if (state.networkDown) {
        state.networkDown = false;
        throw new TypeError("fetch failed");
      }
      const presented = body.refresh_token ?? state.cookie;
      if (presented === undefined) {
        return json(400, {
          error: "invalid_request",
          error_description: "refresh_token is required",
        });
      }
      if (state.revoked || presented !== state.current) {
        state.revoked = true;
        return json(400, { error: "invalid_grant", error_description: "reused" });
      }
      state.generation++;
      state.current = `rt${state.generation}`;
      if (options.cookie) state.cookie = state.current;
      const access = `at${state.generation}`;
      state.valid.add(access);
      return json(200, {
        access_token: access,
        token_type: "Bearer",
        expires_in: 900,
        refresh_expires_in: 3600,
        ...(options.cookie ? {} : { refresh_token: state.current }),
      });
    }
    if (pathname === "/v1/me") {
      state.meCalls++;
      const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
      if (!token) return json(401, { error: "unauthorized" });
      if (state.refuseAll || !state.valid.has(token) || state.revoked) {
        return json(
          401,
          { error: "invalid_token" },
          { "www-authenticate": 'Bearer error="invalid_token"' },
        );
      }
      return json(200, {
        id: "00000000-0000-4000-8000-000000000001",
        email: `${token}@example.test`,
        email_verified: true,
        created_at: "2026-01-01T00:00:00.000Z",
      });
    }
    return json(404, { error: "not_found" });
  }
  return { state, fetch };
}

const expired = (extra: Partial<Session> = {}): Session => ({
  accessToken: "at0",
  accessTokenExpiresAt: Date.now() - 1_000,
  refreshToken: "rt0",
  ...extra,
});

function client(
  service: ReturnType<typeof fakeService>,
  storage: TokenStorage,
  coordination?: Coordination,
) {
  const events: SignedOutEvent[] = [];
  const auth = createAuthClient({
    baseUrl: BASE,
    storage,
    fetch: service.fetch,
    ...(coordination ? { coordination } : {}),
  });
  auth.onSignedOut((event) => events.push(event));
  return { auth, events };
}

describe("@edge-auth/client single-flight refresh", () => {
  it("makes one refresh for 20 concurrent calls with an expired access token", async () => {
    const service = fakeService();
    const storage = memoryStorage(expired());
    const { auth, events } = client(service, storage);
    const answers = await Promise.all(Array.from({ length: 20 }, () => auth.me()));
    expect(service.state.refreshes).toBe(1);
    expect(answers.map((a) => a.email)).toEqual(Array(20).fill("at1@example.test"));
    expect(await storage.get()).toMatchObject({ accessToken: "at1", refreshToken: "rt1" });
    expect(service.state.revoked).toBe(false);
    expect(events).toEqual([]);
  });

  it("makes one refresh when 20 concurrent calls are refused with 401 invalid_token, and retries each once", async () => {
    const service = fakeService();
    const storage = memoryStorage(
      expired({ accessToken: "revoked", accessTokenExpiresAt: Date.now() + 600_000 }),
    );
    const { auth } = client(service, storage);
    const answers = await Promise.all(Array.from({ length: 20 }, () => auth.me()));
    expect(service.state.refreshes).toBe(1);
    expect(service.state.meCalls).toBe(40);
    expect(new Set(answers.map((a) => a.email))).toEqual(new Set(["at1@example.test"]));
  });

  // Regression guard: a token refused again after the refresh must not start a loop.
  it("retries a refused call once only", async () => {
    const service = fakeService();
    service.state.refuseAll = true;
    const { auth } = client(
      service,
      memoryStorage(expired({ accessTokenExpiresAt: Date.now() + 600_000 })),
    );
    const error = await auth.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ code: "invalid_token", status: 401 });
    expect(service.state.refreshes).toBe(1);
    expect(service.state.meCalls).toBe(2);
  });

  it("signs out cleanly when the refresh is refused: storage cleared, one event, every call rejected, no retry", async () => {
    const service = fakeService();
    service.state.current = "rt-rotated-elsewhere";
    const storage = memoryStorage(expired());
    const { auth, events } = client(service, storage);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => auth.me()));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    for (const r of results) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        name: "AuthApiError",
        code: "invalid_grant",
        status: 400,
      });
    }
    expect(service.state.refreshes).toBe(1);
    expect(await storage.get()).toBeNull();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: "session_ended", error: { code: "invalid_grant" } });
    // Signed out now: the next call goes without credentials and makes no refresh.
    await expect(auth.me()).rejects.toMatchObject({ code: "unauthorized" });
    expect(service.state.refreshes).toBe(1);
  });

  it("keeps the session when the refresh fails on the network, and refreshes on the next call", async () => {
    const service = fakeService();
    service.state.networkDown = true;
    const storage = memoryStorage(expired());
    const { auth, events } = client(service, storage);
    await expect(auth.me()).rejects.toThrow("fetch failed");
    expect(await storage.get()).toMatchObject({ refreshToken: "rt0" });
    expect((await auth.me()).email).toBe("at1@example.test");
    expect(service.state.refreshes).toBe(2);
    expect(events).toEqual([]);
  });

  it("serializes two contexts sharing a storage: the second reads the rotated session instead of sending the spent token", async () => {
    const service = fakeService();
    const storage = memoryStorage(expired());
    const hub = coordinationHub();
    const a = client(service, storage, hub.join());
    const b = client(service, storage, hub.join());
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a.auth : b.auth).me()),
    );
    expect(service.state.refreshes).toBe(1);
    expect(service.state.revoked).toBe(false);
    expect(new Set(answers.map((x) => x.email))).toEqual(new Set(["at1@example.test"]));
  });

  it("hands the new access token to the other contexts in cookie mode (per-context memory, one cookie)", async () => {
    const service = fakeService({ cookie: true });
    const hub = coordinationHub();
    const tabs = [0, 1, 2].map(() => {
      const storage = cookieModeStorage();
      return { storage, ...client(service, storage, hub.join()) };
    });
    for (const tab of tabs) await tab.storage.set(expired({ refreshToken: undefined }));
    const answers = await Promise.all(
      tabs.flatMap((tab) => Array.from({ length: 7 }, () => tab.auth.me())),
    );
    expect(service.state.refreshes).toBe(1);
    expect(service.state.refreshBodies).toEqual([{}]);
    expect(new Set(answers.map((x) => x.email))).toEqual(new Set(["at1@example.test"]));
    for (const tab of tabs) expect((await tab.storage.get())?.accessToken).toBe("at1");
  });

  it("waits for the lock holder's message even when it arrives after the lock", async () => {
    const service = fakeService({ cookie: true });
    // A lock shared by two contexts, and a channel that delivers 100 ms late: the
    // second context is granted the lock before it hears what the first did.
    const hub = coordinationHub();
    const slow = (inner: Coordination): Coordination => ({
      lock: inner.lock,
      channel: {
        post: (m: CoordinationMessage) => setTimeout(() => inner.channel.post(m), 100),
        subscribe: (l) => inner.channel.subscribe(l),
      },
    });
    const storages = [cookieModeStorage(), cookieModeStorage()];
    const [a, b] = storages.map((s) => client(service, s, slow(hub.join())));
    for (const s of storages) await s.set(expired({ refreshToken: undefined }));
    const answers = await Promise.all([a?.auth.me(), b?.auth.me()]);
    expect(service.state.refreshes).toBe(1);
    expect(answers.map((x) => x?.email)).toEqual(["at1@example.test", "at1@example.test"]);
  });

  it("restores a cookie-mode session after a reload, and finds none (quietly) without a cookie", async () => {
    const service = fakeService({ cookie: true });
    const storage = cookieModeStorage();
    const { auth, events } = client(service, storage);
    expect((await auth.restore())?.accessToken).toBe("at1");
    expect(await auth.restore()).toMatchObject({ accessToken: "at1" });
    expect(service.state.refreshes).toBe(1);

    const signedOut = fakeService({ cookie: true });
    signedOut.state.cookie = undefined;
    const other = client(signedOut, cookieModeStorage());
    expect(await other.auth.restore()).toBeNull();
    // A call without a session goes out unsigned, without trying the cookie again.
    await expect(other.auth.me()).rejects.toMatchObject({ code: "unauthorized" });
    expect(signedOut.state.refreshes).toBe(1);
    expect([...events, ...other.events]).toEqual([]);
  });

  it("tells the other contexts when the session ends", async () => {
    const service = fakeService({ cookie: true });
    service.state.cookie = "rt-gone";
    const hub = coordinationHub();
    const storages = [cookieModeStorage(), cookieModeStorage()];
    const [a, b] = storages.map((s) => client(service, s, hub.join()));
    for (const s of storages) await s.set(expired({ refreshToken: undefined }));
    await expect(a?.auth.me()).rejects.toMatchObject({ code: "invalid_grant" });
    await expect.poll(() => b?.events.length).toBe(1);
    expect(b?.events[0]).toEqual({ reason: "other_context" });
    expect(await storages[1]?.get()).toBeNull();
    expect(a?.events[0]).toMatchObject({ reason: "session_ended" });
    expect(service.state.refreshes).toBe(1);
  });
});
