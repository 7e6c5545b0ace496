// Two `npm run dev` on one machine, and stopping them: each with its own data
// folder and port runs beside the other (the mail sink's 8025 taken by the
// first, or by anyone, is no reason to die); a second one on the same data
// folder says which process holds it; Ctrl-C, as a terminal sends it to the
// whole process group or as npm passes it on alone, stops everything started.
import { existsSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DevProcess,
  descendantsOf,
  healthyOrExited,
  json,
  launchDev,
  newDataDir,
  outputMatching,
  portIsFree,
  startDev,
  stillRunningAfter,
} from "./dev-process.ts";

const DEFAULT_MAIL_SINK_PORT = 8025;

/** Holds 127.0.0.1:8025 for the test, unless something already does (which serves as well). */
async function occupyDefaultMailPort(): Promise<net.Server | null> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(null));
    server.listen(DEFAULT_MAIL_SINK_PORT, "127.0.0.1", () => resolve(server));
  });
}

const mailboxOf = async (dev: DevProcess) =>
  (await outputMatching(dev, /read it at (http:\/\/127\.0\.0\.1:(\d+)\/messages)/)).slice(1, 3) as [
    string,
    string,
  ];

/** Stops `dev` with SIGINT sent by `send`, and checks that nothing it started is left. */
async function expectCtrlCStopsEverything(dev: DevProcess, send: (npmPid: number) => void) {
  const npmPid = dev.child.pid as number;
  const started = descendantsOf(npmPid);
  const commands = started.map((p) => p.command).join("\n");
  // What there is to stop: the dev server, redis-server and workerd at least.
  expect(commands).toMatch(/dev\/dev\.ts/);
  expect(commands).toMatch(/redis-server/);
  expect(commands).toMatch(/workerd/);
  const redisPort = Number(/redis:\/\/127\.0\.0\.1:(\d+)/.exec(dev.output())?.[1]);
  const [, mailPort] = await mailboxOf(dev);
  // The social login demo app and the local test provider.
  const demoPort = (
    await outputMatching(dev, /social login: open http:\/\/127\.0\.0\.1:(\d+)\//)
  )[1];
  const idpPort = (await outputMatching(dev, /Local test IdP \(http:\/\/127\.0\.0\.1:(\d+)\)/))[1];

  send(npmPid);
  const exit = await Promise.race([
    dev.exited.then(() => "exited"),
    new Promise((r) => setTimeout(() => r("still running"), 30_000)),
  ]);
  expect(exit, dev.output()).toBe("exited");
  expect(await stillRunningAfter([npmPid, ...started.map((p) => p.pid)])).toEqual([]);
  for (const port of [dev.port, redisPort, Number(mailPort), Number(demoPort), Number(idpPort)]) {
    expect(await portIsFree(port), `port ${port}`).toBe(true);
  }
}

describe("two npm run dev side by side", () => {
  let held: net.Server | null;
  let first: DevProcess;
  let second: DevProcess;
  beforeAll(async () => {
    held = await occupyDefaultMailPort();
    // MAIL_SINK_PORT unset, as a new user runs it.
    first = await startDev({ env: { MAIL_SINK_PORT: undefined } });
    second = await startDev({ env: { MAIL_SINK_PORT: undefined } });
  }, 240_000);
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await new Promise((r) => (held ? held.close(r) : r(undefined)));
  });

  // Regression: the second one died with `listen EADDRINUSE 127.0.0.1:8025`.
  it("both run, each with its own mail sink on a free port, and say where", async () => {
    const [firstBox, firstPort] = await mailboxOf(first);
    const [secondBox, secondPort] = await mailboxOf(second);
    expect(firstPort).not.toBe(String(DEFAULT_MAIL_SINK_PORT));
    expect(secondPort).not.toBe(String(DEFAULT_MAIL_SINK_PORT));
    expect(firstPort).not.toBe(secondPort);
    expect(first.output()).toContain("port 8025 is taken");

    const email = `e2e-side-${Date.now()}@example.test`;
    const password = "an e2e password that is long";
    expect((await fetch(`${second.base}/v1/register`, json({ email, password }))).status).toBe(201);
    const deadline = Date.now() + 20_000;
    let mails: Array<{ to: string[] }> = [];
    while (mails.length === 0 && Date.now() < deadline) {
      mails = ((await (await fetch(secondBox)).json()) as typeof mails).filter((m) =>
        m.to.includes(email),
      );
      if (mails.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(mails).toHaveLength(1);
    const elsewhere = (await (await fetch(firstBox)).json()) as Array<{ to: string[] }>;
    expect(elsewhere.some((m) => m.to.includes(email))).toBe(false);
  });

  // Regression: the second one opened the same PGlite files (corrupting them).
  it("a third one on the first one's data folder refuses to start and names the process that holds it", async () => {
    const third = await launchDev({ dataDir: first.dataDir });
    try {
      expect(await healthyOrExited(third)).toBe("exited");
      expect(await third.exited).not.toBe(0);
      const holder = Number(/another npm run dev \(pid (\d+), /.exec(third.output())?.[1]);
      const firstPids = descendantsOf(first.child.pid as number).map((p) => p.pid);
      expect(firstPids).toContain(holder);
      expect(third.output()).toContain(first.base);
    } finally {
      await third.stop();
    }
    // The first one is unharmed.
    const ready = await fetch(`${first.base}/ready`);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  // Regression: SIGINT to npm alone reached only `sh -c`, which waits for its
  // child; nothing stopped.
  it("SIGINT to the npm process alone stops everything it started", async () => {
    await expectCtrlCStopsEverything(first, (pid) => process.kill(pid, "SIGINT"));
  });

  it("SIGINT to the process group (Ctrl-C in a terminal) stops everything it started", async () => {
    await expectCtrlCStopsEverything(second, (pid) => process.kill(-pid, "SIGINT"));
  });
});

describe("npm run dev after a dev server was killed", () => {
  const dataDir = newDataDir();
  let killed: DevProcess | undefined;
  let dev: DevProcess | undefined;
  afterAll(async () => {
    await killed?.stop();
    await dev?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("takes over the lock a dead process left behind", async () => {
    killed = await startDev({ dataDir });
    const devPid = descendantsOf(killed.child.pid as number).find((p) =>
      p.command.includes("dev/dev.ts"),
    )?.pid as number;
    // SIGKILL: no cleanup runs, the lock file stays.
    process.kill(-(killed.child.pid as number), "SIGKILL");
    await killed.exited;
    expect(await stillRunningAfter([devPid])).toEqual([]);
    expect(existsSync(path.join(dataDir, "pglite-state", "dev.lock"))).toBe(true);
    dev = await startDev({ dataDir });
    expect(dev.output()).toContain(
      `taking over the lock of a dev server that is gone (pid ${devPid})`,
    );
  }, 240_000);
});
