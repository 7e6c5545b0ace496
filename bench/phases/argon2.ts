// argon2id at the configured cost: the production WASM driver inside workerd vs
// the native reference implementation (Debian `argon2` CLI) with the same
// inputs, interleaved, both unpinned and pinned to one core, in one run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { median, round } from "../load/stats.ts";

const ARGON2_CLI = "/usr/bin/argon2";
// Must match bench/worker/argon2-micro.ts: the two tags are compared.
const PASSWORD = "edge-auth benchmark password";
const SALT = "edge-auth-salt16";

interface Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

async function workerdHash(
  bench: string,
): Promise<{ ms: number; tag: string; params: Params; linearMemoryMiB: number }> {
  const res = await fetch(`${bench}/__bench/micro/argon2?n=1`);
  const body = (await res.json()) as {
    ms: number[];
    tagHex: string;
    params: Params;
    linearMemoryMiB: number;
  };
  if (res.status !== 200) throw new Error(`argon2 micro: ${res.status} ${JSON.stringify(body)}`);
  return {
    ms: body.ms[0] as number,
    tag: body.tagHex,
    params: body.params,
    linearMemoryMiB: body.linearMemoryMiB,
  };
}

/** The CLI's own timing covers the hash (with its memory allocation), not process start. */
function nativeHash(p: Params, pinned: boolean): { ms: number; wallMs: number; tag: string } {
  const args = [
    SALT,
    "-id",
    "-t",
    String(p.iterations),
    "-k",
    String(p.memoryKiB),
    "-p",
    String(p.parallelism),
    "-l",
    "32",
  ];
  const t0 = performance.now();
  const out = pinned
    ? spawnSync("taskset", ["-c", "0", ARGON2_CLI, ...args], { input: PASSWORD, encoding: "utf8" })
    : spawnSync(ARGON2_CLI, args, { input: PASSWORD, encoding: "utf8" });
  const wallMs = performance.now() - t0;
  if (out.status !== 0) throw new Error(`argon2 CLI failed: ${out.stderr}`);
  const seconds = Number(/([\d.]+) seconds/.exec(out.stdout)?.[1]);
  const tag = /Hash:\s+([0-9a-f]+)/.exec(out.stdout)?.[1] ?? "";
  return { ms: seconds * 1000, wallMs, tag };
}

/** Pins every thread of a running process (workerd) to CPU 0, or restores its mask. */
function setAffinity(pid: number, mask: string): void {
  execFileSync("taskset", ["-a", "-p", mask, String(pid)], { stdio: "ignore" });
}

export async function argon2Phase(bench: string, workerdPid: number, rounds: number) {
  const warm = await workerdHash(bench); // instantiates and grows the WASM memory once
  if (!existsSync(ARGON2_CLI)) {
    return {
      skipped: "the Debian argon2 package is not installed",
      workerdFirstHashMs: warm.ms,
      linearMemoryMiB: warm.linearMemoryMiB,
    };
  }
  const p = warm.params;
  const originalMask = /affinity mask:\s*([0-9a-f]+)/.exec(
    execFileSync("taskset", ["-p", String(workerdPid)], { encoding: "utf8" }),
  )?.[1] as string;
  const samples = {
    workerd: [] as number[],
    native: [] as number[],
    workerdPinned: [] as number[],
    nativePinned: [] as number[],
    nativeWallPinned: [] as number[],
  };
  let nativeTag = "";
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate which side goes first in each pair.
      const pair = async (pinned: boolean) => {
        const w = async () =>
          (pinned ? samples.workerdPinned : samples.workerd).push((await workerdHash(bench)).ms);
        const n = () => {
          const h = nativeHash(p, pinned);
          nativeTag = h.tag;
          (pinned ? samples.nativePinned : samples.native).push(h.ms);
          if (pinned) samples.nativeWallPinned.push(h.wallMs);
        };
        if (r % 2) {
          n();
          await w();
        } else {
          await w();
          n();
        }
      };
      await pair(false);
      setAffinity(workerdPid, "1");
      await pair(true);
      setAffinity(workerdPid, originalMask);
    }
  } finally {
    setAffinity(workerdPid, originalMask);
  }
  const med = (xs: number[]) => round(median(xs), 1);
  const result = {
    params: p,
    rounds,
    tagsMatch: nativeTag === warm.tag,
    linearMemoryMiB: warm.linearMemoryMiB,
    unpinned: { workerdMs: med(samples.workerd), nativeMs: med(samples.native) },
    pinnedToCpu0: {
      workerdMs: med(samples.workerdPinned),
      nativeMs: med(samples.nativePinned),
      nativeWallMsWithProcessStart: med(samples.nativeWallPinned),
    },
    samples,
  };
  return {
    ...result,
    ratioUnpinned: round(result.unpinned.workerdMs / result.unpinned.nativeMs, 2),
    ratioPinned: round(result.pinnedToCpu0.workerdMs / result.pinnedToCpu0.nativeMs, 2),
  };
}
