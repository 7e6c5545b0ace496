// Segments of one scenario (bench/phases/load.ts's A B B A rounds, bench:ab's
// halves) report the percentiles of all their requests together: a stall that
// fell in one segment is 1 request in 100 of the whole, not a quarter of a mean.
import { describe, expect, it } from "vitest";
import { mergeSegments } from "../../bench/load/segments";
import { type LoadResult, pooledPercentiles, resultsJson, summarize } from "../../bench/load/stats";

/** A segment whose requests took these times (ms). */
const segment = (latencies: number[]): LoadResult =>
  summarize("t", 1, 1, latencies, 0, { 200: latencies.length });

describe("percentiles over segments", () => {
  it("pools every request of the segments when each kept its samples", () => {
    const calm = segment(Array.from({ length: 100 }, () => 10));
    // 2 slow requests in one segment of 100: that segment's p99 is 500 ms.
    const stalled = segment([...Array.from({ length: 98 }, () => 10), 500, 500]);
    expect(stalled.p99Ms).toBe(500);
    const pooled = pooledPercentiles([calm, stalled, calm, calm]);
    // 2 slow requests in 400: the 99th percentile is a fast one.
    expect(pooled.p99Ms).toBe(10);
    expect(pooled.p50Ms).toBe(10);
    expect(pooled.samplesMs).toHaveLength(400);
    // 5 slow requests in 400 put it in the stall.
    const worse = segment([...Array.from({ length: 95 }, () => 10), ...Array(5).fill(500)]);
    expect(pooledPercentiles([calm, worse, calm, calm]).p99Ms).toBe(500);
  });

  it("falls back to the mean of the segments' own percentiles when one has none (wrk)", () => {
    const fromWrk: LoadResult = { ...segment([1]), p50Ms: 4, p99Ms: 40, samplesMs: undefined };
    const ours = segment(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(pooledPercentiles([fromWrk, ours])).toEqual({ p50Ms: 27, p99Ms: 69.5 });
  });

  it("keeps the raw samples out of a results file", () => {
    const json = resultsJson({ load: { refresh: segment([1, 2, 3]) } });
    expect(JSON.parse(json).load.refresh).not.toHaveProperty("samplesMs");
    expect(JSON.parse(json).load.refresh.p99Ms).toBe(3);
    expect(json.endsWith("}\n")).toBe(true);
  });
});

describe("mergeSegments", () => {
  it("sums requests, errors and every segment's statuses; throughput over all the time", () => {
    const a = { ...segment([5, 5, 5]), seconds: 1, statuses: { 200: 2, 401: 1 }, errors: 1 };
    const b = { ...segment([7]), seconds: 3, statuses: { 200: 1 }, errors: 0 };
    const m = mergeSegments([a, b]);
    expect(m.requests).toBe(4);
    expect(m.rps).toBe(1);
    expect(m.errors).toBe(1);
    expect(m.statuses).toEqual({ 200: 3, 401: 1 });
    expect(m.segmentsRps).toEqual([a.rps, b.rps]);
    expect(m.p99Ms).toBe(7);
  });

  it("weights CPU per request by each segment's requests", () => {
    const cpu = (workerd: number, machineBusy: number) => ({
      microsecondsPerRequest: { workerd, bridges: 0, redis: 0, postgres: 0, loadGenerator: 0 },
      machineBusy,
    });
    const a = { ...segment([1, 1, 1]), cpu: cpu(100, 0.4) };
    const b = { ...segment([1]), cpu: cpu(500, 0.6) };
    const m = mergeSegments([a, b]);
    expect(m.cpu?.microsecondsPerRequest.workerd).toBe(200);
    expect(m.cpu?.machineBusy).toBe(0.5);
  });
});
