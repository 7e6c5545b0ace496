// V8's `--trace-gc-nvp` output, as workerd prints it on stdout: one line per
// collection, `[pid:isolate:n]  <ms> ms: GC: {...}`, the braces one JSON object
// of name-value pairs. Used by bench/gc.ts to say what each request leaves to
// the garbage collector and how long the collector stops the isolate.
import { round } from "./stats.ts";

/** One collection, in the units V8 prints (ms, bytes). */
export interface GcEvent {
  /** "s": a scavenge of the young generation; "mc": a full mark-compact. */
  kind: "scavenge" | "mark-compact" | "other";
  pauseMs: number;
  reason: string;
  /** Bytes allocated since the previous collection. */
  allocated: number;
  /** Bytes of the young generation this collection moved to the old one. */
  promoted: number;
  /**
   * The part of a mark-compact's pause V8 puts in its own phases (marking,
   * evacuation, clearing, sweeping, finishing). The trace does not break the
   * rest down: it is the embedder's part of the collection (workerd's).
   */
  phasesMs: number;
}

const PHASES = ["mark", "evacuate", "clear", "sweep", "finish"] as const;

/** The collection a trace line reports, or null for any other line. */
export function parseGcLine(line: string): GcEvent | null {
  const at = line.indexOf("GC: {");
  if (at < 0) return null;
  let nvp: Record<string, unknown>;
  try {
    nvp = JSON.parse(line.slice(at + 4)) as Record<string, unknown>;
  } catch {
    return null;
  }
  const num = (key: string) => (typeof nvp[key] === "number" ? (nvp[key] as number) : 0);
  const gc = nvp.gc;
  const kind = gc === "s" ? "scavenge" : gc === "mc" ? "mark-compact" : "other";
  return {
    kind,
    pauseMs: num("pause"),
    reason: typeof nvp.reason === "string" ? nvp.reason : "",
    allocated: num("allocated"),
    promoted: num("promoted"),
    phasesMs: kind === "mark-compact" ? PHASES.reduce((sum, p) => sum + num(p), 0) : 0,
  };
}

export interface GcSummary {
  scavenges: number;
  scavengeMeanMs: number;
  /** Bytes each request allocated, over every collection in the run. */
  allocatedPerRequest: number;
  /** Bytes each request left to the old generation, i.e. to the next full GC. */
  promotedPerRequest: number;
  markCompacts: number;
  /** Every full GC's pause, in order. */
  markCompactPausesMs: number[];
  /** Why V8 started them, and how many times each ("allocation limit", "global allocation limit"...). */
  markCompactReasons: Record<string, number>;
  /** The share of the full GCs' pauses that V8's own phases account for (0..1). */
  markCompactPhasesShare: number;
}

/** What `requests` requests cost the collector, from the collections during them. */
export function summarizeGc(events: readonly GcEvent[], requests: number): GcSummary {
  const scavenges = events.filter((e) => e.kind === "scavenge");
  const full = events.filter((e) => e.kind === "mark-compact");
  const sum = (list: readonly GcEvent[], f: (e: GcEvent) => number) =>
    list.reduce((s, e) => s + f(e), 0);
  const fullPause = sum(full, (e) => e.pauseMs);
  const reasons: Record<string, number> = {};
  for (const e of full) reasons[e.reason] = (reasons[e.reason] ?? 0) + 1;
  return {
    scavenges: scavenges.length,
    scavengeMeanMs: scavenges.length
      ? round(sum(scavenges, (e) => e.pauseMs) / scavenges.length, 1)
      : 0,
    allocatedPerRequest: requests ? Math.round(sum(events, (e) => e.allocated) / requests) : 0,
    promotedPerRequest: requests ? Math.round(sum(events, (e) => e.promoted) / requests) : 0,
    markCompacts: full.length,
    markCompactPausesMs: full.map((e) => round(e.pauseMs, 1)),
    markCompactReasons: reasons,
    markCompactPhasesShare: fullPause ? round(sum(full, (e) => e.phasesMs) / fullPause) : 0,
  };
}
