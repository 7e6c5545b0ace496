// What `npm run dev` needs from the machine, and what it says when it is missing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { healthyOrExited, launchDev } from "./dev-process.ts";

describe("npm run dev on a machine without redis-server", () => {
  // A PATH with npm, node and sh, and nothing else (so no redis-server).
  const bin = mkdtempSync(path.join(tmpdir(), "edge-auth-e2e-bin-"));
  for (const tool of ["npm", "node", "sh"]) {
    const found = execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    symlinkSync(found, path.join(bin, tool));
  }
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  // Regression: it fell back to a 1,700-line in-memory imitation of Redis.
  it("exits at once with the install hint instead of starting without a real Redis", async () => {
    const dev = await launchDev({ env: { PATH: bin } });
    try {
      expect(await healthyOrExited(dev)).toBe("exited");
      expect(await dev.exited).not.toBe(0);
      const output = dev.output();
      expect(output).toContain("no redis-server is on PATH");
      expect(output).toContain("apt-get install redis-server");
      expect(output).toContain("brew install redis");
      expect(output).toContain("REDIS_URL");
      expect(output).not.toContain("failed:");
    } finally {
      await dev.stop();
    }
  });
});
