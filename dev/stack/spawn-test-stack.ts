// Starts dev/test-stack.ts as a child process and waits for its JSON line.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestStackInfo } from "../test-stack.ts";
import { stopChild } from "./ports.ts";

export interface RunningTestStack extends TestStackInfo {
  stop(): Promise<void>;
}

export function spawnTestStack(): Promise<RunningTestStack> {
  const script = fileURLToPath(new URL("../test-stack.ts", import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`test stack exited early with code ${code}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf("\n");
      if (newline === -1) return;
      const info = JSON.parse(out.slice(0, newline)) as TestStackInfo;
      child.removeAllListeners("exit");
      resolve({
        ...info,
        stop: () => stopChild(child),
      });
    });
  });
}
