// The bench's verdicts are computed, not typed in: these tests move a recorded
// run's figures across each target's threshold and expect the verdict to follow.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateTargets, writeReadmeTables } from "../../bench/report";
import recorded from "../../bench/results/2026-11-23.json";

type Results = Parameters<typeof evaluateTargets>[0];

/** A deep copy of the recorded run with `change` applied. */
function run(change: (r: Results) => void = () => {}): Results {
  const r = structuredClone(recorded) as unknown as Results;
  change(r);
  return r;
}

const verdict = (r: Results, prefix: string): boolean => {
  const t = evaluateTargets(r).find((x) => x.target.startsWith(prefix));
  if (!t) throw new Error(`no target "${prefix}"`);
  return t.met;
};

describe("bench target verdicts", () => {
  it("local verify: met at 1.25x bare, missed above", () => {
    const at = (ratio: number) =>
      verdict(
        run((r) => {
          r.micro.verify.ratioOursToBare = ratio;
        }),
        "local verify",
      );
    expect(at(1.25)).toBe(true);
    expect(at(1.251)).toBe(false);
  });

  it("verify() over the binding: 0.8x the floor's throughput, and no errors", () => {
    const at = (rps: number, errors = 0) =>
      verdict(
        run((r) => {
          r.load.floor.rps = 1000;
          r.load.verifyServiceBinding.rps = rps;
          r.load.verifyServiceBinding.errors = errors;
        }),
        "verify() over the service binding",
      );
    expect(at(800)).toBe(true);
    expect(at(799)).toBe(false);
    expect(at(900, 1)).toBe(false);
  });

  it("refresh: 500/s and p99 at most 50 ms and no errors, all three", () => {
    const at = (rps: number, p99Ms: number, errors = 0) =>
      verdict(
        run((r) => {
          Object.assign(r.load.refresh, { rps, p99Ms, errors });
        }),
        "refresh rotation",
      );
    expect(at(500, 50)).toBe(true);
    expect(at(499, 40)).toBe(false);
    expect(at(600, 50.1)).toBe(false);
    expect(at(600, 40, 2)).toBe(false);
  });

  it("memory: the process and the isolate are judged separately", () => {
    const r = run((x) => {
      x.loginMemory.memory.peakRssMiB = 180;
      if (!x.loginMemory.memory.isolate) throw new Error("the recorded run has isolate figures");
      x.loginMemory.memory.isolate.peakReservedMiB = 63;
      x.argon2.linearMemoryMiB = 64.9;
    });
    expect(verdict(r, "peak workerd RSS")).toBe(false);
    // 63 + 64.9 = 127.9 MiB: under the limit; one more MiB is not.
    expect(verdict(r, "the same, for the isolate alone")).toBe(true);
    expect(
      verdict(
        run((x) => {
          if (x.loginMemory.memory.isolate) x.loginMemory.memory.isolate.peakReservedMiB = 64;
          x.argon2.linearMemoryMiB = 64.9;
        }),
        "the same, for the isolate alone",
      ),
    ).toBe(false);
  });

  it("argon2id needs identical tags as well as the 2x ratio", () => {
    const at = (ratioPinned: number, tagsMatch = true) =>
      verdict(
        run((r) => {
          Object.assign(r.argon2, { ratioPinned, tagsMatch });
        }),
        "argon2id",
      );
    expect(at(1.5)).toBe(true);
    expect(at(2.01)).toBe(false);
    expect(at(1.5, false)).toBe(false);
  });
});

describe("bench README tables", () => {
  it("replace only what lies between the markers", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bench-readme-"));
    const readme = path.join(dir, "README.md");
    const before = "# Bench\n\nprose above\n\n<!-- bench:results:start -->\nold\n";
    const after = "<!-- bench:results:end -->\n\nprose below\n";
    writeFileSync(readme, `${before}${after}`);
    const r = run();
    const md = writeReadmeTables({ ...r, targets: evaluateTargets(r) }, readme);
    const text = readFileSync(readme, "utf8");
    expect(text.startsWith("# Bench\n\nprose above\n\n<!-- bench:results:start -->\n")).toBe(true);
    expect(text.endsWith(after)).toBe(true);
    expect(text).not.toContain("\nold\n");
    expect(text).toContain(md);
    expect(md).toContain("### Targets");
  });
});
