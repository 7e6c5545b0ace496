// One dev server per local state folder (dev/dev-server/lock.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireDevLock, DevLockHeld, isRunning } from "../../dev/dev-server/lock.ts";

let dir: string;
let file: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "edge-auth-lock-"));
  file = path.join(dir, "dev.lock");
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const lockOf = (pid: number) =>
  writeFileSync(
    file,
    JSON.stringify({ pid, url: "http://127.0.0.1:9999", startedAt: "2026-01-01T00:00:00Z" }),
  );

describe("acquireDevLock", () => {
  it("writes this process's pid and removes the file on release", () => {
    const lock = acquireDevLock(file, "http://127.0.0.1:8787");
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      pid: process.pid,
      url: "http://127.0.0.1:8787",
    });
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it("refuses while another live process holds it, naming that process", () => {
    const holder = spawn("sleep", ["30"]);
    children.push(holder);
    lockOf(holder.pid as number);
    let thrown: unknown;
    try {
      acquireDevLock(file, "http://127.0.0.1:8788");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DevLockHeld);
    expect((thrown as DevLockHeld).holder.pid).toBe(holder.pid);
    expect((thrown as Error).message).toContain(`pid ${holder.pid}, http://127.0.0.1:9999`);
    expect((thrown as Error).message).toContain(file);
    // The holder's lock is left as it was.
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(holder.pid);
  });

  it("takes over the lock of a process that is gone, and says so", async () => {
    const gone = spawn("true");
    await once(gone, "exit");
    lockOf(gone.pid as number);
    const stale: unknown[] = [];
    const lock = acquireDevLock(file, "http://127.0.0.1:8787", (holder) => stale.push(holder));
    expect(stale).toEqual([expect.objectContaining({ pid: gone.pid })]);
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over an unreadable lock file", () => {
    writeFileSync(file, "not json");
    const lock = acquireDevLock(file, "http://127.0.0.1:8787");
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("release leaves a lock that another process has taken since", () => {
    const lock = acquireDevLock(file, "http://127.0.0.1:8787");
    lockOf(1);
    lock.release();
    expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(1);
  });
});

// Linux: /proc tells a zombie apart (macOS has no /proc; signal 0 is all there is).
describe.runIf(process.platform === "linux")("isRunning", () => {
  it("counts a zombie (exited, never reaped by its parent) as gone", async () => {
    // The forked child exits at once; its parent (Perl, from Debian's essential
    // perl-base) never waits for it. A shell could reap it before exec'ing.
    const parent = spawn("perl", [
      "-e",
      '$| = 1; my $pid = fork(); exit 0 if $pid == 0; print "$pid\\n"; sleep 30;',
    ]);
    children.push(parent);
    const [chunk] = (await once(parent.stdout, "data")) as [Buffer];
    const zombie = Number(chunk.toString().trim());
    const deadline = Date.now() + 10_000;
    const state = () => readFileSync(`/proc/${zombie}/stat`, "utf8").split(") ")[1]?.[0];
    while (state() !== "Z" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(state()).toBe("Z");
    expect(isRunning(zombie)).toBe(false);
    expect(isRunning(parent.pid as number)).toBe(true);
  });
});
