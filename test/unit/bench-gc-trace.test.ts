// bench:gc reads V8's --trace-gc-nvp lines off workerd's stdout. These are the
// shapes workerd printed on this machine (fields trimmed to those read).
import { describe, expect, it } from "vitest";
import { parseGcLine, summarizeGc } from "../../bench/load/gc-trace";

const scavenge = (allocated: number, promoted: number, pause = 12) =>
  `[9340:0x32d4bfdae000:0]    29707 ms: GC: {"pause":${pause},"mutator":1428.67,"gc":"s","reason":"allocation failure","start_old_gen_consumed_size":25524868,"end_old_gen_consumed_size":28865624,"allocated":${allocated},"promoted":${promoted},"scavenge":18.385}`;

const markCompact = (
  pause: number,
  phases: { mark: number; evacuate: number; clear: number },
  reason = "allocation limit",
) =>
  `[9340:0x32d4bfdae000:0]    35243 ms: GC: {"pause":${pause},"mutator":1008.64,"gc":"mc","reason":"${reason}","start_old_gen_consumed_size":43998236,"end_old_gen_consumed_size":17167092,"allocated":15124820,"promoted":234108,"clear":${phases.clear},"evacuate":${phases.evacuate},"mark":${phases.mark},"mark.full_closure_parallel":13.049,"sweep":0.5,"finish":0.5}`;

describe("V8's GC trace", () => {
  it("reads a scavenge and a full GC, and nothing else", () => {
    expect(parseGcLine(scavenge(21_383_852, 3_340_684))).toEqual({
      kind: "scavenge",
      pauseMs: 12,
      reason: "allocation failure",
      allocated: 21_383_852,
      promoted: 3_340_684,
      phasesMs: 0,
    });
    const full = parseGcLine(markCompact(114.5, { mark: 13, evacuate: 5, clear: 2 }));
    expect(full?.kind).toBe("mark-compact");
    // mark + evacuate + clear + sweep + finish; the sub-phases (mark.*) are inside mark.
    expect(full?.phasesMs).toBe(21);
    expect(parseGcLine("[9340:0x32d4bfdae000:0]    40381 ms: Memory pool: Removed pages: 1")).toBe(
      null,
    );
    // A line cut short by the pipe is skipped, not thrown on.
    expect(parseGcLine(scavenge(1, 1).slice(0, 80))).toBe(null);
  });

  it("charges every collection's allocation and promotion to the requests of the run", () => {
    const events = [
      scavenge(20_000_000, 3_000_000),
      scavenge(20_000_000, 2_000_000, 18),
      markCompact(100, { mark: 15, evacuate: 4, clear: 5 }),
      markCompact(50, { mark: 10, evacuate: 2, clear: 2 }, "global allocation limit"),
    ]
      .map(parseGcLine)
      .filter((e) => e !== null);
    const summary = summarizeGc(events, 1_000);
    expect(summary.scavenges).toBe(2);
    expect(summary.scavengeMeanMs).toBe(15);
    expect(summary.allocatedPerRequest).toBe(Math.round((40_000_000 + 2 * 15_124_820) / 1_000));
    expect(summary.promotedPerRequest).toBe(Math.round((5_000_000 + 2 * 234_108) / 1_000));
    expect(summary.markCompacts).toBe(2);
    expect(summary.markCompactPausesMs).toEqual([100, 50]);
    expect(summary.markCompactReasons).toEqual({
      "allocation limit": 1,
      "global allocation limit": 1,
    });
    // (25 + 15) of 150 ms.
    expect(summary.markCompactPhasesShare).toBe(0.27);
  });

  it("reports no requests as nothing per request", () => {
    expect(summarizeGc([], 0)).toMatchObject({
      allocatedPerRequest: 0,
      promotedPerRequest: 0,
      markCompactPhasesShare: 0,
    });
  });
});
