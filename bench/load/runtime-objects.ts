// Counts the workerd API objects (Request, Response, Headers, TextEncoder, URL,
// CryptoKey, SQL cursor, RPC stub...) an isolate wraps for JavaScript while a
// load runs. A full GC frees them in its pause, one C++ destructor each
// (bench/README.md, "Where a full GC's pause goes"), so their number per request
// is what a Worker decides about that pause. Counted, not timed: a Linux uprobe
// on workerd's `jsg::HeapTracer::allocateShim`, which runs once per wrapped
// object, read with `perf stat`. A diagnostic that needs root and Debian's
// `linux-perf`; nothing else in the bench uses it.
import { execFileSync, spawn } from "node:child_process";
import { readlinkSync } from "node:fs";

const SYMBOL = "workerd::jsg::HeapTracer::allocateShim(";
const EVENT_GROUP = "probe_workerd";
const EVENT = "edge_auth_wrapper";

/** A count in progress; `stop` ends it and returns the objects wrapped meanwhile. */
export interface RuntimeObjectCount {
  stop(): Promise<number>;
}

/**
 * The file offset of the symbol in the binary: a uprobe takes a file offset,
 * and `nm` gives a virtual address, which the loadable segment maps back.
 */
export function symbolFileOffset(binary: string, symbol: string): number {
  const nm = execFileSync("nm", ["-C", "--defined-only", binary], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const readelf = execFileSync("readelf", ["-lW", binary], { encoding: "utf8" });
  return fileOffsetOf(symbolAddress(nm, symbol), readelf);
}

/** The virtual address `nm -C` gives the first symbol whose name starts with `symbol`. */
export function symbolAddress(nmOutput: string, symbol: string): number {
  const line = nmOutput.split("\n").find((l) => l.includes(` ${symbol}`));
  if (!line) throw new Error(`${symbol} is not among the binary's symbols`);
  return Number.parseInt(line.slice(0, line.indexOf(" ")), 16);
}

/** Where a virtual address lies in the file, by the LOAD segments of `readelf -lW`. */
export function fileOffsetOf(address: number, readelfOutput: string): number {
  const segment = readelfOutput
    .split("\n")
    .filter((l) => l.trim().startsWith("LOAD"))
    .map((l) => l.trim().split(/\s+/))
    .map(([, offset, vaddr, , fileSize]) => ({
      offset: Number(offset),
      vaddr: Number(vaddr),
      size: Number(fileSize),
    }))
    .find((s) => address >= s.vaddr && address < s.vaddr + s.size);
  if (!segment) throw new Error(`no loadable segment holds 0x${address.toString(16)}`);
  return address - segment.vaddr + segment.offset;
}

/** Starts counting the objects the workerd process `pid` wraps. */
export async function countRuntimeObjects(pid: number): Promise<RuntimeObjectCount> {
  const binary = readlinkSync(`/proc/${pid}/exe`);
  const offset = symbolFileOffset(binary, SYMBOL);
  // Replaces any probe of that name left by an earlier run (another binary, say).
  removeProbe();
  execFileSync("perf", ["probe", "-q", "-x", binary, "-a", `${EVENT}=0x${offset.toString(16)}`]);
  const perf = spawn(
    "perf",
    ["stat", "-x", ",", "-e", `${EVENT_GROUP}:${EVENT}`, "-p", String(pid)],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let output = "";
  perf.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => perf.once("exit", () => resolve()));
  // perf attaches asynchronously; a short wait keeps the window's start inside the count.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    async stop() {
      perf.kill("SIGINT");
      await exited;
      removeProbe();
      return perfStatCount(output, `${EVENT_GROUP}:${EVENT}`);
    },
  };
}

/**
 * The event's count in `perf stat -x ,` output: CSV lines of count, unit, event,
 * and more. A line with `<not counted>` (perf could not attach) or none at all
 * is an error, never a zero.
 */
export function perfStatCount(output: string, event: string): number {
  const count = output
    .split("\n")
    .find((line) => line.split(",")[2] === event)
    ?.split(",")[0];
  if (count === undefined || !/^\d+$/.test(count)) {
    throw new Error(`perf stat printed no count of ${event}:\n${output}`);
  }
  return Number(count);
}

function removeProbe(): void {
  try {
    execFileSync("perf", ["probe", "-q", "-d", `${EVENT_GROUP}:${EVENT}`], { stdio: "ignore" });
  } catch {
    // None to remove.
  }
}
