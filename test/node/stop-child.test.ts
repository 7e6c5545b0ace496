import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { stopChild } from "../../dev/stack/ports";

describe("stopChild", () => {
  it("stops a running child and resolves once it is gone", async () => {
    const child = spawn("sleep", ["30"]);
    await stopChild(child);
    expect(child.signalCode).toBe("SIGTERM");
  });

  it("resolves at once for a child already gone, by exit code or by signal", async () => {
    const exited = spawn("true");
    await once(exited, "exit");
    await stopChild(exited);
    const killed = spawn("sleep", ["30"]);
    killed.kill("SIGKILL");
    await once(killed, "exit");
    expect(killed.exitCode).toBeNull();
    await stopChild(killed); // waiting for another "exit" here would never end
  });
});
